import MediaKit

print("media-bench: FFmpeg \(MediaKitInfo.ffmpegVersion)")
