/// The largest pictures any reader accepts from a file's header, before anything is allocated for them.
///
/// The defaults: at most 32768 pixels a side and at most 32768 x 32768 pixels in all, so that an RGBA buffer for
/// the picture (`width * height * 4`, at most 4 GiB) can be computed without overflow and is within what a
/// 64-bit process can address. Tighter limits (MediaKit's pixel limit) apply on top of these.
public struct ImageLimits: Sendable, Equatable {
    /// The largest width or height, in pixels.
    public var maxSide: Int
    /// The largest `width * height * 4` (an RGBA buffer), in bytes.
    public var maxBufferBytes: Int

    /// Creates limits.
    public init(maxSide: Int = 32768, maxBufferBytes: Int = 32768 * 32768 * 4) {
        self.maxSide = maxSide
        self.maxBufferBytes = maxBufferBytes
    }

    /// The default limits.
    public static let standard = ImageLimits()

    /// The RGBA buffer size of a `width` x `height` picture, or nil when it overflows `Int`.
    public static func rgbaByteCount(width: Int, height: Int) -> Int? {
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (bytes, o2) = pixels.multipliedReportingOverflow(by: 4)
        return o1 || o2 ? nil : bytes
    }

    /// Checks a declared picture size.
    /// - Parameters:
    ///   - width: the declared width.
    ///   - height: the declared height.
    ///   - format: the format name used in the error ("PNG").
    /// - Throws: `MediaFormatError.invalidDimensions` when a side is zero or negative, a side exceeds `maxSide`,
    ///   or the RGBA buffer would exceed `maxBufferBytes`.
    public func check(width: Int, height: Int, format: String) throws {
        func refuse(_ problem: String) -> MediaFormatError {
            .invalidDimensions(format: format, width: width, height: height, problem: problem)
        }
        guard width > 0, height > 0 else { throw refuse("a picture needs a width and a height of at least 1") }
        guard width <= maxSide, height <= maxSide else { throw refuse("more than \(maxSide) pixels a side") }
        guard let bytes = Self.rgbaByteCount(width: width, height: height), bytes <= maxBufferBytes else {
            throw refuse("more than \(maxBufferBytes) bytes as RGBA")
        }
    }
}
