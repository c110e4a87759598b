import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// PixelImage.resized: sizes, bars, crops and colour fidelity.
@Suite struct EncodeResizeTests {
    /// Picture with a left half of one colour and a right half of another.
    static func halves(width: Int, height: Int, left: (UInt8, UInt8, UInt8), right: (UInt8, UInt8, UInt8), alpha: Bool = false)
        -> PixelImage
    {
        let bpp = alpha ? 4 : 3
        var pixels = [UInt8](repeating: 255, count: width * height * bpp)
        for y in 0..<height {
            for x in 0..<width {
                let c = x < width / 2 ? left : right
                let i = (y * width + x) * bpp
                pixels[i] = c.0
                pixels[i + 1] = c.1
                pixels[i + 2] = c.2
                if alpha { pixels[i + 3] = x < width / 2 ? 255 : 100 }
            }
        }
        return PixelImage(width: width, height: height, hasAlpha: alpha, pixels: pixels)
    }

    static func pixel(_ image: PixelImage, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * image.bytesPerPixel
        return Array(image.pixels[i..<i + image.bytesPerPixel])
    }

    static func close(_ a: [UInt8], _ b: [UInt8], tolerance: Int = 2) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Int($0) - Int($1)) <= tolerance }
    }

    @Test(arguments: [PixelImage.ResizeMode.stretch, .fit, .fill])
    func resultHasTheRequestedSize(mode: PixelImage.ResizeMode) throws {
        let image = PixelImage(width: 400, height: 300, red: 10, green: 20, blue: 30)
        for (w, h) in [(1280, 720), (720, 1280), (200, 150), (33, 17), (1, 1)] {
            let out = try image.resized(width: w, height: h, mode: mode)
            #expect(out.width == w && out.height == h && out.pixels.count == w * h * 3)
            #expect(!out.hasAlpha)
        }
    }

    /// A known colour keeps its value through an up- and a downscale.
    @Test(arguments: [(255, 0, 0), (0, 255, 0), (0, 0, 255), (12, 34, 56), (200, 100, 50), (255, 255, 255), (1, 1, 1)])
    func flatColourStaysTheSame(r: Int, g: Int, b: Int) throws {
        let colour = [UInt8(r), UInt8(g), UInt8(b)]
        let image = PixelImage(width: 160, height: 90, red: colour[0], green: colour[1], blue: colour[2])
        for (w, h) in [(640, 360), (50, 28)] {
            let out = try image.resized(width: w, height: h, mode: .stretch)
            let worst = stride(from: 0, to: out.pixels.count, by: 3).map { i in
                (0..<3).map { abs(Int(out.pixels[i + $0]) - Int(colour[$0])) }.max()!
            }.max()!
            #expect(worst <= 2, "colour \(colour) at \(w)x\(h): off by \(worst)")
        }
    }

    /// Fit: a 2:1 picture in a square gets black bars above and below; a 1:2 picture gets them left and right.
    @Test func fitLetterboxesAndPillarboxesInBlack() throws {
        let wide = PixelImage(width: 200, height: 100, red: 200, green: 40, blue: 90)
        let box = try wide.resized(width: 100, height: 100, mode: .fit)
        // The picture covers rows 25..<75.
        for y in [0, 10, 24, 75, 90, 99] {
            for x in [0, 50, 99] { #expect(Self.pixel(box, x, y) == [0, 0, 0], "(\(x), \(y)) should be black") }
        }
        for y in [26, 50, 73] {
            for x in [0, 50, 99] { #expect(Self.close(Self.pixel(box, x, y), [200, 40, 90]), "(\(x), \(y))") }
        }

        let tall = PixelImage(width: 100, height: 200, red: 30, green: 160, blue: 220)
        let pillar = try tall.resized(width: 160, height: 80, mode: .fit)
        // The picture is 40 wide, centred: columns 60..<100.
        for x in [0, 30, 59, 100, 130, 159] {
            for y in [0, 40, 79] { #expect(Self.pixel(pillar, x, y) == [0, 0, 0], "(\(x), \(y)) should be black") }
        }
        for x in [61, 80, 98] {
            for y in [0, 40, 79] { #expect(Self.close(Self.pixel(pillar, x, y), [30, 160, 220]), "(\(x), \(y))") }
        }
    }

    /// Fit keeps opaque black bars for RGBA and keeps the picture's alpha.
    @Test func fitKeepsAlphaAndMakesOpaqueBars() throws {
        let image = Self.halves(width: 200, height: 100, left: (255, 0, 0), right: (0, 0, 255), alpha: true)
        let out = try image.resized(width: 200, height: 200, mode: .fit)
        #expect(out.hasAlpha)
        #expect(Self.pixel(out, 100, 10) == [0, 0, 0, 255])
        #expect(Self.close(Self.pixel(out, 20, 100), [255, 0, 0, 255]))
        #expect(Self.close(Self.pixel(out, 180, 100), [0, 0, 255, 100]))
    }

    /// Fill crops the centre: a 4:1 picture of red|green|green|blue quarters filled into a square keeps
    /// only the middle (green), with no bars.
    @Test func fillCropsTheCentre() throws {
        let (w, h) = (400, 100)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 3
                let c: [UInt8] = x < 100 ? [255, 0, 0] : x < 300 ? [0, 255, 0] : [0, 0, 255]
                pixels[i] = c[0]
                pixels[i + 1] = c[1]
                pixels[i + 2] = c[2]
            }
        }
        let image = PixelImage(width: w, height: h, hasAlpha: false, pixels: pixels)
        let out = try image.resized(width: 64, height: 64, mode: .fill)
        for y in [0, 32, 63] {
            for x in [0, 10, 32, 53, 63] { #expect(Self.close(Self.pixel(out, x, y), [0, 255, 0]), "(\(x), \(y))") }
        }
        // A square into a wide frame crops top and bottom: the left/right halves stay at the sides.
        let square = Self.halves(width: 100, height: 100, left: (255, 255, 0), right: (0, 255, 255))
        let wide = try square.resized(width: 160, height: 90, mode: .fill)
        #expect(Self.close(Self.pixel(wide, 5, 45), [255, 255, 0]))
        #expect(Self.close(Self.pixel(wide, 154, 45), [0, 255, 255]))
        #expect(Self.pixel(wide, 5, 0) != [0, 0, 0])
    }

    /// Stretch maps the whole picture: the colour boundary stays in the middle.
    @Test func stretchKeepsEverything() throws {
        let image = Self.halves(width: 100, height: 100, left: (255, 0, 0), right: (0, 0, 255))
        let out = try image.resized(width: 300, height: 50, mode: .stretch)
        #expect(Self.close(Self.pixel(out, 10, 25), [255, 0, 0]))
        #expect(Self.close(Self.pixel(out, 140, 25), [255, 0, 0]))
        #expect(Self.close(Self.pixel(out, 160, 25), [0, 0, 255]))
        #expect(Self.close(Self.pixel(out, 290, 25), [0, 0, 255]))
    }

    @Test(arguments: [(0, 10), (10, 0), (-1, 5), (20000, 10)])
    func invalidTargetSizesAreRefused(width: Int, height: Int) {
        let image = PixelImage(width: 10, height: 10, red: 1, green: 2, blue: 3)
        #expect(throws: MediaError.self) { _ = try image.resized(width: width, height: height) }
    }

    /// Against the ffmpeg CLI's own Lanczos scale of the same picture (down and up), RGB and RGBA.
    @Test(arguments: [(160, 120, false), (1000, 750, false), (160, 120, true)])
    func stretchMatchesTheCLIScaler(width: Int, height: Int, alpha: Bool) throws {
        let image = EncodeTestPictures.gradient(width: 400, height: 300, index: 3, alpha: alpha)
        let dir = TestCorpus.shared.scratchDirectory("encode-resize-oracle")
        let raw = dir.appendingPathComponent("in.raw")
        try Data(image.pixels).write(to: raw)
        let format = alpha ? "rgba" : "rgb24"
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "rawvideo", "-pix_fmt", format, "-s", "400x300",
                "-i", raw.path, "-vf", "scale=\(width):\(height):flags=lanczos+accurate_rnd+full_chroma_int+full_chroma_inp",
                "-f", "rawvideo", "-pix_fmt", format, "-",
            ])
        try #require(out.stdout.count == width * height * (alpha ? 4 : 3))
        let expected = PixelImage(width: width, height: height, hasAlpha: alpha, pixels: [UInt8](out.stdout))
        let actual = try image.resized(width: width, height: height, mode: .stretch)
        let psnr = try #require(actual.psnr(expected))
        #expect(psnr >= 40, "PSNR \(psnr) dB against the CLI")
    }
}
