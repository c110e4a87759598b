import Foundation
import MediaKit
import MediaTestSupport

/// The ffprobe/ffmpeg CLI used as an independent oracle for the encoder tests, plus small signal helpers.
enum EncodeOracle {
    /// ffprobe's `streams` array (with `-count_frames`), each stream as a dictionary.
    static func streams(_ path: String, countFrames: Bool = true) throws -> [[String: Any]] {
        var args = ["-v", "error", "-show_streams", "-of", "json"]
        if countFrames { args.append("-count_frames") }
        let out = try runProcess("ffprobe", args + [path])
        let json = try JSONSerialization.jsonObject(with: out.stdout) as? [String: Any]
        return json?["streams"] as? [[String: Any]] ?? []
    }

    /// The first stream of a type ("video", "audio").
    static func stream(_ streams: [[String: Any]], _ type: String) -> [String: Any]? {
        streams.first { $0["codec_type"] as? String == type }
    }

    /// A field as a Double (ffprobe prints many numbers as strings).
    static func double(_ stream: [String: Any]?, _ key: String) -> Double? {
        if let s = stream?[key] as? String { return Double(s) }
        if let n = stream?[key] as? NSNumber { return n.doubleValue }
        return nil
    }

    /// A field as text.
    static func text(_ stream: [String: Any]?, _ key: String) -> String? {
        if let s = stream?[key] as? String { return s }
        if let n = stream?[key] as? NSNumber { return n.stringValue }
        return nil
    }

    /// The video frames in presentation order: (key_frame, pict_type, pts in the stream time base).
    static func videoFrames(_ path: String) throws -> [(key: Bool, type: String, pts: Int)] {
        let out = try runProcess(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type,pts", "-of", "csv=p=0", path])
        return out.stdoutText.split(separator: "\n").compactMap { line in
            // Fields come in the order ffprobe defines: key_frame, pts, pict_type.
            let f = line.split(separator: ",").map(String.init)
            guard f.count >= 3, let pts = Int(f[1]) else { return nil }
            return (f[0] == "1", f[2], pts)
        }
    }

    /// The top-level MP4 box types in file order.
    static func topLevelBoxes(_ path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var boxes: [String] = []
        var offset = 0
        while offset + 8 <= data.count {
            let b = data.subdata(in: offset..<offset + 8)
            var size = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
            let type = String(decoding: b[4..<8], as: UTF8.self)
            if size == 1, offset + 16 <= data.count {
                size = data.subdata(in: offset + 8..<offset + 16).reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = data.count - offset
            }
            boxes.append(type)
            guard size >= 8 else { break }
            offset += size
        }
        return boxes
    }

    /// The bytes of the first top-level box of a type (header included).
    static func boxPayload(_ path: String, _ type: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var offset = 0
        while offset + 8 <= data.count {
            let b = data.subdata(in: offset..<offset + 8)
            var size = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
            if size == 1, offset + 16 <= data.count {
                size = data.subdata(in: offset + 8..<offset + 16).reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = data.count - offset
            }
            guard size >= 8 else { break }
            if String(decoding: b[4..<8], as: UTF8.self) == type { return data.subdata(in: offset..<min(data.count, offset + size)) }
            offset += size
        }
        return Data()
    }

    /// Decodes every video frame to RGB with the ffmpeg CLI (no frame dropped or repeated), reading the YUV as
    /// limited range with `matrix`.
    static func decodeRGB(_ path: String, width: Int, height: Int, matrix: String) throws -> [PixelImage] {
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path, "-map", "0:v:0",
                "-vf", "scale=in_color_matrix=\(matrix):in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24",
                "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
            ])
        let frameBytes = width * height * 3
        let bytes = [UInt8](out.stdout)
        return stride(from: 0, to: bytes.count - frameBytes + 1, by: frameBytes).map {
            PixelImage(width: width, height: height, hasAlpha: false, pixels: Array(bytes[$0..<$0 + frameBytes]))
        }
    }

    /// Decodes the audio to interleaved 32-bit floats with the ffmpeg CLI.
    static func decodeAudio(_ path: String) throws -> [Float] {
        let out = try runProcess(
            "ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-i", path, "-map", "0:a:0", "-f", "f32le", "-"])
        return out.stdout.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
    }

    /// The power of `frequency` in `samples` (Goertzel), normalised by the length.
    static func goertzel(_ samples: ArraySlice<Float>, frequency: Double, sampleRate: Int) -> Double {
        let k = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var s1 = 0.0
        var s2 = 0.0
        for x in samples {
            let s0 = Double(x) + k * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - k * s1 * s2
        return power / Double(samples.count * samples.count)
    }

    /// One channel of interleaved samples.
    static func channel(_ interleaved: [Float], _ index: Int, of channels: Int) -> [Float] {
        stride(from: index, to: interleaved.count, by: channels).map { interleaved[$0] }
    }

    /// Files (including hidden temporary ones) in a folder.
    static func contents(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }
}

/// Pictures with known content for the writer tests.
enum EncodeTestPictures {
    /// A smooth gradient, different for each `index` (blue rises with it), plus a white block that moves with it.
    static func gradient(width: Int, height: Int, index: Int, alpha: Bool = false) -> PixelImage {
        let bpp = alpha ? 4 : 3
        var pixels = [UInt8](repeating: 255, count: width * height * bpp)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * bpp
                pixels[i] = UInt8((x * 255) / max(1, width - 1))
                pixels[i + 1] = UInt8((y * 255) / max(1, height - 1))
                pixels[i + 2] = UInt8(min(255, ((x + y) * 200) / max(1, width + height) + index * 6))
            }
        }
        drawBlock(&pixels, width: width, height: height, bpp: bpp, index: index)
        return PixelImage(width: width, height: height, hasAlpha: alpha, pixels: pixels)
    }

    /// A flat picture of one colour.
    static func solid(width: Int, height: Int, _ rgb: (UInt8, UInt8, UInt8), alpha: Bool = false) -> PixelImage {
        if !alpha { return PixelImage(width: width, height: height, red: rgb.0, green: rgb.1, blue: rgb.2) }
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for i in stride(from: 0, to: pixels.count, by: 4) {
            pixels[i] = rgb.0
            pixels[i + 1] = rgb.1
            pixels[i + 2] = rgb.2
            pixels[i + 3] = 77  // ignored by the writer
        }
        return PixelImage(width: width, height: height, hasAlpha: true, pixels: pixels)
    }

    /// `base` with a white 32x32 block whose position depends on `index` (cheap distinct frames).
    static func moving(_ base: PixelImage, index: Int) -> PixelImage {
        var pixels = base.pixels
        drawBlock(&pixels, width: base.width, height: base.height, bpp: base.bytesPerPixel, index: index)
        return PixelImage(width: base.width, height: base.height, hasAlpha: base.hasAlpha, pixels: pixels)
    }

    private static func drawBlock(_ pixels: inout [UInt8], width: Int, height: Int, bpp: Int, index: Int) {
        let size = min(32, width / 4, height / 4)
        let x0 = (index * 7) % max(1, width - size)
        let y0 = (index * 3) % max(1, height - size)
        for y in y0..<y0 + size {
            let row = (y * width + x0) * bpp
            for j in 0..<(size * bpp) where j % bpp < 3 { pixels[row + j] = 255 }
        }
    }
}
