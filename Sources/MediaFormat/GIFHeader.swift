/// Reads a GIF file's logical screen size.
public enum GIFHeader {
    /// Reads the signature and logical screen descriptor at the start of `source`.
    /// - Returns: the declared size (not yet checked against `ImageLimits`).
    /// - Throws: `MediaFormatError.malformed` without a GIF signature, `.truncated` when the file ends inside it.
    public static func dimensions(from source: some ByteSource) throws -> ImageDimensions {
        let b = try source.prefixView(at: 0, length: 10, what: "the GIF screen descriptor")
        guard b.matches("GIF87a") || b.matches("GIF89a") else { throw MediaFormatError.malformed(format: "GIF", detail: "no GIF signature") }
        return ImageDimensions(kind: .gif, width: Int(try b.le(6, width: 2)), height: Int(try b.le(8, width: 2)))
    }
}
