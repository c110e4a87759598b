import CFFmpeg

/// Facts about the FFmpeg libraries MediaKit runs on.
public enum MediaKitInfo {
    /// FFmpeg's version string, such as "5.1.9-0+deb12u1".
    public static var ffmpegVersion: String { ffString(av_version_info()) ?? "unknown" }
}
