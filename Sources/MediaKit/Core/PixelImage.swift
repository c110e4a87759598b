/// A decoded picture in memory: 8-bit RGB or RGBA, rows top to bottom, tightly packed.
///
/// This is the currency between MediaKit's readers (image files, extracted frames) and its
/// writers (image files, video encoders).
public struct PixelImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// True when `pixels` holds RGBA (4 bytes per pixel); RGB (3 bytes) otherwise.
    public var hasAlpha: Bool
    /// `width * height * bytesPerPixel` bytes.
    public var pixels: [UInt8]

    /// Bytes per pixel: 4 with alpha, 3 without.
    public var bytesPerPixel: Int { hasAlpha ? 4 : 3 }

    /// Creates an image; `pixels` must hold exactly `width * height * (hasAlpha ? 4 : 3)` bytes.
    public init(width: Int, height: Int, hasAlpha: Bool, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(pixels.count == width * height * (hasAlpha ? 4 : 3), "pixel buffer size does not match dimensions")
        self.width = width
        self.height = height
        self.hasAlpha = hasAlpha
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = red
            pixels[i + 1] = green
            pixels[i + 2] = blue
        }
        self.init(width: width, height: height, hasAlpha: false, pixels: pixels)
    }

    /// The image without its alpha channel (alpha is dropped, not composited).
    public func droppingAlpha() -> PixelImage {
        guard hasAlpha else { return self }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        var j = 0
        for i in stride(from: 0, to: pixels.count, by: 4) {
            rgb[j] = pixels[i]
            rgb[j + 1] = pixels[i + 1]
            rgb[j + 2] = pixels[i + 2]
            j += 3
        }
        return PixelImage(width: width, height: height, hasAlpha: false, pixels: rgb)
    }

    /// Peak signal-to-noise ratio against another image of the same size over the RGB channels,
    /// in dB (`.infinity` when identical). Returns nil when the sizes differ.
    public func psnr(_ other: PixelImage) -> Double? {
        guard width == other.width, height == other.height else { return nil }
        let a = droppingAlpha().pixels
        let b = other.droppingAlpha().pixels
        var sum: Double = 0
        for i in 0..<a.count {
            let d = Double(Int(a[i]) - Int(b[i]))
            sum += d * d
        }
        if sum == 0 { return .infinity }
        let mse = sum / Double(a.count)
        return 10 * log10(255.0 * 255.0 / mse)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
