import Foundation
import MediaTestSupport

/// The small valid files the hostile cases start from, made at test time with the ffmpeg CLI.
enum SeedMedia: String, CaseIterable, Sendable, CustomStringConvertible {
    case png
    case jpeg
    case webpLossy
    case webpLossless
    case webpAlpha
    case mp4
    case mp4MoovLast
    case mov
    case webm

    var description: String { rawValue }

    /// The file extension the seed (and every case made from it) is written with.
    var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .webpLossy, .webpLossless, .webpAlpha: return "webp"
        case .mp4, .mp4MoovLast: return "mp4"
        case .mov: return "mov"
        case .webm: return "webm"
        }
    }

    var isImage: Bool {
        switch self {
        case .png, .jpeg, .webpLossy, .webpLossless, .webpAlpha: return true
        default: return false
        }
    }

    var isISOBaseMedia: Bool { self == .mp4 || self == .mp4MoovLast || self == .mov }

    /// The ffmpeg arguments (inputs and encoder, without the output) that make the seed.
    private var recipe: [String] {
        let picture = ["-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1"]
        let clip = ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=24:d=0.5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=0.5"]
        let h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p", "-bf", "2", "-g", "6"]
        switch self {
        case .png: return picture
        case .jpeg: return picture
        case .webpLossy: return picture + ["-c:v", "libwebp"]
        case .webpLossless: return picture + ["-c:v", "libwebp", "-lossless", "1"]
        case .webpAlpha:
            return ["-f", "lavfi", "-i", "color=c=red@0.5:s=64x48,format=rgba", "-frames:v", "1", "-c:v", "libwebp", "-pix_fmt", "yuva420p"]
        case .mp4: return clip + h264 + ["-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart"]
        case .mp4MoovLast: return clip + h264 + ["-c:a", "aac", "-b:a", "32k"]
        case .mov: return clip + h264 + ["-c:a", "aac", "-b:a", "32k", "-f", "mov"]
        case .webm: return clip + ["-c:v", "libvpx", "-deadline", "realtime", "-threads", "1", "-c:a", "libopus"]
        }
    }

    /// Makes the seed in `directory` and returns its bytes.
    func make(in directory: URL) throws -> [UInt8] {
        let url = directory.appendingPathComponent("seed-\(rawValue).\(fileExtension)")
        if !FileManager.default.fileExists(atPath: url.path) {
            // Tests run in parallel: each makes its own copy and moves it into place whole.
            let scratch = directory.appendingPathComponent("making-\(UUID().uuidString).\(fileExtension)")
            try ffmpeg(recipe + ["-bitexact", scratch.path])
            if rename(scratch.path, url.path) != 0 { try? FileManager.default.removeItem(at: scratch) }
        }
        return [UInt8](try Data(contentsOf: url))
    }
}
