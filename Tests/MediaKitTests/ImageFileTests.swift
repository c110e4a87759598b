import Foundation
import MediaKit
import MediaTestSupport
import Testing

@Suite struct ImageFileTests {
    static let stills: [(Fixture, Bool)] = [(.pngRGB, false), (.pngRGBA, true), (.jpeg, false), (.webp, false), (.webpAlpha, true)]

    /// Reading a still gives the CLI's pixels (and its alpha channel where the file has one).
    @Test(arguments: stills)
    func readMatchesCLIDecode(_ fixture: Fixture, _ alpha: Bool) async throws {
        let path = try await TestCorpus.shared.path(fixture)
        let image = try ImageFile.read(path)
        #expect(image.width == 200 && image.height == 150)
        #expect(image.hasAlpha == alpha)
        let expected = try FrameOracle.still(path, width: 200, height: 150, alpha: alpha)
        let psnr = try #require(image.psnr(expected))
        #expect(psnr >= matchingPSNR, "\(fixture): PSNR \(psnr)")
        if alpha { #expect(FrameOracle.alphaChannel(image) == FrameOracle.alphaChannel(expected)) }
    }

    /// The same stills through `FrameExtractor` (first = last = index 0).
    @Test(arguments: stills)
    func imagesAreSingleFrameVideos(_ fixture: Fixture, _ alpha: Bool) async throws {
        let path = try await TestCorpus.shared.path(fixture)
        let first = try FrameExtractor.extract(from: path, .first)
        let last = try FrameExtractor.extract(from: path, .last)
        #expect(first.image == last.image)
        #expect(first.image.hasAlpha == alpha)
        #expect(throws: MediaError.self) { try FrameExtractor.extract(from: path, .index(1)) }
    }

    /// PNG is lossless: what is written reads back identical, as rgb24 or rgba per the image.
    @Test(arguments: [false, true])
    func pngRoundTrip(_ alpha: Bool) async throws {
        let source = try ImageFile.read(try await TestCorpus.shared.path(alpha ? .pngRGBA : .pngRGB))
        let out = TestCorpus.shared.scratchDirectory("png").appendingPathComponent("round.png").path
        try ImageFile.write(source, to: out)
        #expect(try ImageFile.read(out) == source)
        let info = try FrameOracle.streamInfo(out)
        #expect(info["codec_name"] == "png" && info["width"] == "200" && info["height"] == "150")
        #expect(info["pix_fmt"] == (alpha ? "rgba" : "rgb24"))
    }

    /// JPEG is written as full-range 4:2:0 MJPEG close to the source; WebP keeps alpha as yuva420p.
    @Test func lossyFormats() async throws {
        let rgb = try ImageFile.read(try await TestCorpus.shared.path(.pngRGB))
        let rgba = try ImageFile.read(try await TestCorpus.shared.path(.pngRGBA))
        let dir = TestCorpus.shared.scratchDirectory("lossy")
        let jpg = dir.appendingPathComponent("a.JPG").path
        try ImageFile.write(rgba, to: jpg)
        var info = try FrameOracle.streamInfo(jpg)
        #expect(info["codec_name"] == "mjpeg" && info["pix_fmt"] == "yuvj420p" && info["width"] == "200")
        let jpgBack = try ImageFile.read(jpg)
        #expect(!jpgBack.hasAlpha)
        #expect(jpgBack.psnr(rgb) ?? 0 > 30)
        let webp = dir.appendingPathComponent("a.webp").path
        try ImageFile.write(rgba, to: webp)
        info = try FrameOracle.streamInfo(webp)
        #expect(info["codec_name"] == "webp" && info["height"] == "150")
        let webpBack = try ImageFile.read(webp)
        #expect(webpBack.hasAlpha)
        #expect(webpBack.psnr(rgb) ?? 0 > 28)
        let alpha = FrameOracle.alphaChannel(webpBack)
        // The fixture is opaque in the top half and alpha 100 in the bottom half.
        #expect(alpha[0] == 255 && abs(Int(alpha[alpha.count - 1]) - 100) <= 4)
        // A lower quality gives a smaller file.
        let small = dir.appendingPathComponent("small.jpg").path
        try ImageFile.write(rgb, to: small, quality: 10)
        let size = { (p: String) in (try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0 }
        #expect(try size(small) < size(jpg))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.JPG", "a.webp", "small.jpg"])
    }

    /// JPEG EXIF orientation 6 ("rotate 90 clockwise to display") comes out upright.
    @Test func exifOrientationIsApplied() async throws {
        let plain = try await TestCorpus.shared.path(.jpeg)
        let dir = TestCorpus.shared.scratchDirectory("exif")
        let tagged = dir.appendingPathComponent("oriented.jpg")
        try withExifOrientation(6, jpeg: Data(contentsOf: URL(fileURLWithPath: plain))).write(to: tagged)
        let upright = try ImageFile.read(tagged.path)
        #expect(upright.width == 150 && upright.height == 200)
        // The upright picture is the stored one turned clockwise: stored (row r, col c) lands at (c, 149 - r).
        let stored = try ImageFile.read(plain)
        var expected = [UInt8](repeating: 0, count: stored.pixels.count)
        for r in 0..<150 {
            for c in 0..<200 {
                for k in 0..<3 { expected[(c * 150 + (149 - r)) * 3 + k] = stored.pixels[(r * 200 + c) * 3 + k] }
            }
        }
        #expect(upright.pixels == expected)
    }

    /// Every EXIF orientation (2-8) comes out as the TIFF/EXIF specification displays it.
    @Test(arguments: 2...8)
    func everyExifOrientation(_ orientation: Int) async throws {
        let plain = try await TestCorpus.shared.path(.jpeg)
        let stored = try ImageFile.read(plain)
        let tagged = TestCorpus.shared.scratchDirectory("exif-all").appendingPathComponent("o\(orientation).jpg")
        try withExifOrientation(UInt16(orientation), jpeg: Data(contentsOf: URL(fileURLWithPath: plain))).write(to: tagged)
        let upright = try ImageFile.read(tagged.path)
        let (w, h) = (stored.width, stored.height)
        let swaps = orientation >= 5
        #expect(upright.width == (swaps ? h : w) && upright.height == (swaps ? w : h))
        // Source (row, col) in the stored picture for upright (r, c).
        func source(_ r: Int, _ c: Int) -> (Int, Int) {
            switch orientation {
            case 2: return (r, w - 1 - c)
            case 3: return (h - 1 - r, w - 1 - c)
            case 4: return (h - 1 - r, c)
            case 5: return (c, r)
            case 6: return (h - 1 - c, r)
            case 7: return (h - 1 - c, w - 1 - r)
            default: return (c, w - 1 - r)
            }
        }
        var mismatches = 0
        for r in 0..<upright.height {
            for c in 0..<upright.width {
                let (sr, sc) = source(r, c)
                for k in 0..<3 where upright.pixels[(r * upright.width + c) * 3 + k] != stored.pixels[(sr * w + sc) * 3 + k] {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0, "orientation \(orientation)")
    }

    /// A PNG header declaring 30000x30000 is refused from its header, quickly.
    @Test func hugeHeaderIsRefusedBeforeDecoding() async throws {
        let path = try await TestCorpus.shared.badInput(.hugePNGHeader).path
        let start = Date()
        #expect(throws: MediaError.tooManyPixels(path: path, width: 30000, height: 30000, limit: 100_000_000)) {
            try ImageFile.read(path)
        }
        #expect(Date().timeIntervalSince(start) < 1)
        let small = try await TestCorpus.shared.path(.pngRGB)
        #expect(throws: MediaError.tooManyPixels(path: small, width: 200, height: 150, limit: 10_000)) {
            try ImageFile.read(small, pixelLimit: 10_000)
        }
    }

    /// Bad paths and types: clear errors, nothing written.
    @Test func badArguments() async throws {
        let image = PixelImage(width: 4, height: 4, red: 1, green: 2, blue: 3)
        let dir = TestCorpus.shared.scratchDirectory("badargs")
        #expect(throws: MediaError.self) { try ImageFile.write(image, to: dir.appendingPathComponent("x.gif").path) }
        #expect(throws: MediaError.self) { try ImageFile.write(image, to: dir.appendingPathComponent("noext").path) }
        #expect(throws: MediaError.self) { try ImageFile.write(image, to: dir.appendingPathComponent("missing/x.png").path) }
        #expect(throws: MediaError.self) { try ImageFile.write(image, to: dir.appendingPathComponent("q.jpg").path, quality: 0) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let video = try await TestCorpus.shared.path(.fragmented)
        #expect(throws: MediaError.self) { try ImageFile.read(video) }
    }
}

/// `jpeg` with an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation) inserted after SOI.
func withExifOrientation(_ orientation: UInt16, jpeg: Data) -> Data {
    var tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]
    tiff += [0x00, 0x01]  // one entry
    tiff += [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0x00, 0x00]
    tiff += [0x00, 0x00, 0x00, 0x00]  // no next IFD
    let body: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
    let length = body.count + 2
    let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    var out = Data(jpeg.prefix(2))
    out.append(contentsOf: segment)
    out.append(jpeg.dropFirst(2))
    return out
}
