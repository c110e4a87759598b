import CFFmpeg
import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// `PNGWriter` deflates bands of rows on several threads and joins them into one zlib stream. Whatever the number
/// of bands, the ffmpeg CLI (checking chunk CRCs, failing on any error) must decode exactly the pixels written.
@Suite struct PNGWriterTests {
    /// A noisy picture (compresses poorly, so every band emits several deflate blocks) with a smooth part.
    static func picture(width: Int, height: Int, alpha: Bool) -> PixelImage {
        var state: UInt32 = 0x1234_5678
        let bpp = alpha ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * bpp)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<bpp {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let i = (y * width + x) * bpp + c
                    pixels[i] = x < width / 2 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(truncatingIfNeeded: x + y * c)
                }
            }
        }
        return PixelImage(width: width, height: height, hasAlpha: alpha, pixels: pixels)
    }

    @Test(arguments: [(1, false), (2, false), (3, true), (7, false), (150, true)])
    func bandsJoinIntoOneValidStream(_ bands: Int, _ alpha: Bool) throws {
        let image = Self.picture(width: 201, height: 150, alpha: alpha)
        let bytes = try PNGWriter.encode(image, bands: bands, path: "test.png")
        let path = TestCorpus.shared.scratchDirectory("pngwriter").appendingPathComponent("b\(bands).png").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let decoded = try runProcess(
            "ffmpeg",
            [
                "-v", "error", "-err_detect", "crccheck+explode", "-i", path, "-f", "rawvideo", "-pix_fmt", alpha ? "rgba" : "rgb24", "-",
            ])
        #expect(decoded.status == 0, "\(decoded.stderrText)")
        #expect(decoded.stderrText.isEmpty, "\(decoded.stderrText)")
        #expect([UInt8](decoded.stdout) == image.pixels)
        let info = try FrameOracle.streamInfo(path)
        #expect(info["width"] == "201" && info["height"] == "150" && info["pix_fmt"] == (alpha ? "rgba" : "rgb24"))
        // FFmpeg stops reading once it has every row; zlib's own inflate also checks the joined Adler-32.
        let rowBytes = image.width * image.bytesPerPixel
        var rows: [UInt8] = []
        for y in 0..<image.height { rows += [0] + image.pixels[(y * rowBytes)..<((y + 1) * rowBytes)] }
        #expect(try Self.inflateIDAT(bytes, expectedLength: rows.count) == rows)
    }

    /// The IDAT data of a PNG, inflated by zlib (which verifies the stream's Adler-32); chunk CRCs checked.
    static func inflateIDAT(_ png: [UInt8], expectedLength: Int) throws -> [UInt8] {
        var data: [UInt8] = []
        var i = 8
        while i + 12 <= png.count {
            let length = png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeAndData = Array(png[(i + 4)..<(i + 8 + length)])
            let crc = png[(i + 8 + length)..<(i + 12 + length)].reduce(0) { $0 << 8 | UInt($1) }
            #expect(crc32(0, typeAndData, uInt(typeAndData.count)) == crc, "chunk CRC")
            if typeAndData.starts(with: Array("IDAT".utf8)) { data += typeAndData.dropFirst(4) }
            i += 12 + length
        }
        var out = [UInt8](repeating: 0, count: expectedLength + 16)
        var outLength = uLongf(out.count)
        let code = uncompress(&out, &outLength, data, uLong(data.count))
        try #require(code == Z_OK, "zlib: \(code)")
        return Array(out[0..<Int(outLength)])
    }

    /// A 1080p frame is split across the available cores; its size stays close to a single-stream encode.
    @Test func largePicturesUseSeveralBands() throws {
        let image = Self.picture(width: 1920, height: 1080, alpha: false)
        let one = try PNGWriter.encode(image, bands: 1, path: "one.png")
        let two = try PNGWriter.encode(image, bands: 2, path: "two.png")
        #expect(one != two, "two bands must give a different stream")
        #expect(Double(two.count) < Double(one.count) * 1.01)
    }
}
