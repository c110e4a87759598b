import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// The ffmpeg/ffprobe CLI as an independent oracle for frame extraction.
enum FrameOracle {
    /// Presentation times (seconds) of every displayed frame, in order, from a full decode by ffprobe.
    static func frameTimes(_ path: String) throws -> [Double] {
        let out = try runProcess(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0", path])
        let times = out.stdoutText.split(whereSeparator: \.isNewline).compactMap { Double($0.split(separator: ",").first ?? "") }
        return times.sorted()
    }

    /// Presentation timestamps (stream time base) of every displayed frame, in order.
    static func framePts(_ path: String) throws -> [Int64] {
        let out = try runProcess(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp", "-of", "csv=p=0", path])
        return out.stdoutText.split(whereSeparator: \.isNewline).compactMap { Int64($0.split(separator: ",").first ?? "") }.sorted()
    }

    /// Displayed frame `n` decoded by the ffmpeg CLI (autorotated, SAR applied with `scale=iw*sar:ih`,
    /// the frame's own colour matrix), as raw RGB or RGBA of the given size.
    static func frame(_ path: String, index n: Int, width: Int, height: Int, alpha: Bool = false) throws -> PixelImage {
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path,
                "-vf", "select=eq(n\\,\(n)),scale=iw*sar:ih:in_color_matrix=auto,setsar=1",
                "-fps_mode", "passthrough", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", alpha ? "rgba" : "rgb24", "-",
            ])
        return try image(out.stdout, width: width, height: height, alpha: alpha)
    }

    /// A still image decoded by the ffmpeg CLI to raw RGB or RGBA.
    static func still(_ path: String, width: Int, height: Int, alpha: Bool = false) throws -> PixelImage {
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
                alpha ? "rgba" : "rgb24", "-",
            ])
        return try image(out.stdout, width: width, height: height, alpha: alpha)
    }

    /// Raw bytes as an image, failing the test (not crashing) when the byte count does not match the size.
    static func image(_ data: Data, width: Int, height: Int, alpha: Bool) throws -> PixelImage {
        let expected = width * height * (alpha ? 4 : 3)
        try #require(data.count == expected, "the CLI gave \(data.count) bytes, expected \(expected) for \(width)x\(height)")
        return PixelImage(width: width, height: height, hasAlpha: alpha, pixels: [UInt8](data))
    }

    /// `ffprobe` stream fields (codec_name, width, height, pix_fmt) of the first video stream.
    static func streamInfo(_ path: String) throws -> [String: String] {
        let out = try runProcess(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,pix_fmt", "-of", "default=nw=1", path])
        var info: [String: String] = [:]
        for line in out.stdoutText.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { info[String(parts[0])] = String(parts[1]) }
        }
        return info
    }

    /// The alpha channel of an RGBA image.
    static func alphaChannel(_ image: PixelImage) -> [UInt8] {
        guard image.hasAlpha else { return [] }
        return stride(from: 3, to: image.pixels.count, by: 4).map { image.pixels[$0] }
    }
}

/// The video fixtures every selector is checked on.
let videoFixtures: [Fixture] = Fixture.allCases.filter { !$0.isImage }

/// The least PSNR accepted where only colour-conversion rounding may differ from the CLI.
let matchingPSNR = 45.0
