/// The kind and declared size of a still image, read from its header without decoding anything.
public struct ImageDimensions: Sendable, Equatable {
    /// PNG, JPEG, WebP or GIF.
    public var kind: ContainerKind
    /// The declared width in pixels.
    public var width: Int
    /// The declared height in pixels.
    public var height: Int

    /// The format's usual name, as used in messages ("PNG", "JPEG", "WebP", "GIF").
    public var formatName: String {
        switch kind {
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .webp: return "WebP"
        case .gif: return "GIF"
        default: return kind.rawValue
        }
    }

    /// Creates dimensions.
    public init(kind: ContainerKind, width: Int, height: Int) {
        self.kind = kind
        self.width = width
        self.height = height
    }

    /// Reads the declared size of the image in `source`, as its header states it (not checked against limits).
    /// - Returns: nil when the bytes do not start like a PNG, JPEG, WebP or GIF file.
    /// - Throws: `MediaFormatError` when they do but the header is cut short or malformed.
    public static func read(from source: some ByteSource) throws -> ImageDimensions? {
        guard let kind = ContainerKind(sniffing: try source.bytes(at: 0, length: ContainerKind.sniffLength)) else { return nil }
        switch kind {
        case .png: return try PNGHeader(from: source).dimensions
        case .jpeg: return try JPEGHeader(from: source).dimensions
        case .webp: return try WebPHeader.dimensions(from: source)
        case .gif: return try GIFHeader.dimensions(from: source)
        default: return nil
        }
    }

    /// Checks the size against `limits`.
    /// - Throws: `MediaFormatError.invalidDimensions` for a zero or absurd size.
    public func check(_ limits: ImageLimits = .standard) throws {
        try limits.check(width: width, height: height, format: formatName)
    }
}
