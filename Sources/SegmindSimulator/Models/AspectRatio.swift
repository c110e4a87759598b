import Foundation
import SegmindCatalog

/// The three aspect ratios Kling renders.
enum AspectRatio: String, Sendable {
    case landscape = "16:9"
    case portrait = "9:16"
    case square = "1:1"

    /// The ratio closest to `width:height`.
    static func nearest(width: Int, height: Int) -> AspectRatio {
        let r = Double(width) / Double(max(height, 1))
        let candidates: [(AspectRatio, Double)] = [(.landscape, 16.0 / 9.0), (.portrait, 9.0 / 16.0), (.square, 1)]
        return candidates.min(by: { abs(log($0.1 / r)) < abs(log($1.1 / r)) })!.0
    }

    /// Output size before scaling: Kling pro 1920x1080 / 1080x1920 / 1440x1440, std 1280x720 / 720x1280 / 960x960;
    /// the 1K image tier 1280x720 / 720x1280 / 1024x1024.
    func size(mode: String, output: OutputKind) -> (width: Int, height: Int) {
        switch (self, output, mode) {
        case (.landscape, .image, _): return (1280, 720)
        case (.portrait, .image, _): return (720, 1280)
        case (.square, .image, _): return (1024, 1024)
        case (.landscape, .video, "std"): return (1280, 720)
        case (.portrait, .video, "std"): return (720, 1280)
        case (.square, .video, "std"): return (960, 960)
        case (.landscape, .video, _): return (1920, 1080)
        case (.portrait, .video, _): return (1080, 1920)
        case (.square, .video, _): return (1440, 1440)
        }
    }
}
