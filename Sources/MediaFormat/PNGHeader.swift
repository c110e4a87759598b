/// A PNG file's signature and `IHDR` chunk.
public struct PNGHeader: Sendable, Equatable {
    /// The declared width in pixels (not yet checked against `ImageLimits`).
    public var width: Int
    /// The declared height in pixels.
    public var height: Int
    /// Bits per sample (1, 2, 4, 8 or 16).
    public var bitDepth: Int
    /// The PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA).
    public var colorType: Int

    /// The declared size (not yet checked against `ImageLimits`).
    public var dimensions: ImageDimensions { ImageDimensions(kind: .png, width: width, height: height) }

    /// True when the colour type carries an alpha channel (4 or 6).
    public var hasAlpha: Bool { colorType == 4 || colorType == 6 }

    /// The PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Creates a header from its fields.
    public init(width: Int, height: Int, bitDepth: Int, colorType: Int) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
    }

    /// Reads the header at the start of `source`.
    /// - Throws: `MediaFormatError.malformed` when the signature or the `IHDR` chunk is not there,
    ///   `.truncated` when the file ends inside them.
    public init(from source: some ByteSource) throws {
        let b = try source.prefixView(at: 0, length: 26, what: "the PNG IHDR chunk")
        guard b.matches(Self.signature) else { throw MediaFormatError.malformed(format: "PNG", detail: "no PNG signature") }
        guard b.count >= 16 else { throw MediaFormatError.truncated(what: "the PNG IHDR chunk") }
        guard b.matches("IHDR", at: 12) else { throw MediaFormatError.missing(what: "PNG IHDR header", meaning: "it must be the first chunk") }
        width = Int(try b.be32(16))
        height = Int(try b.be32(20))
        bitDepth = Int(try b.u8(24))
        colorType = Int(try b.u8(25))
    }
}
