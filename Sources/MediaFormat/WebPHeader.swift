/// Reads a WebP file's canvas size from its first chunk: `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended).
public enum WebPHeader {
    /// Reads the RIFF header and first chunk at the start of `source`.
    /// - Returns: the declared size (not yet checked against `ImageLimits`).
    /// - Throws: `MediaFormatError.malformed` when it is not a WebP file or the first chunk is not one of the three
    ///   kinds (or lacks its signature), `.truncated` when the file ends inside them.
    public static func dimensions(from source: some ByteSource) throws -> ImageDimensions {
        let b = try source.prefixView(at: 0, length: 30, what: "the WebP header")
        guard b.matches("RIFF"), b.matches("WEBP", at: 8) else {
            throw MediaFormatError.malformed(format: "WebP", detail: "no RIFF/WEBP signature")
        }
        let chunk = try b.fourCC(12)
        switch chunk {
        case "VP8 ":
            guard b.matches([0x9D, 0x01, 0x2A], at: 23) else {
                throw b.count < 26
                    ? .truncated(what: "the WebP VP8 frame header")
                    : MediaFormatError.malformed(format: "WebP", detail: "VP8 frame without its start code")
            }
            return ImageDimensions(kind: .webp, width: Int(try b.le(26, width: 2) & 0x3FFF), height: Int(try b.le(28, width: 2) & 0x3FFF))
        case "VP8L":
            guard try b.u8(20) == 0x2F else { throw MediaFormatError.malformed(format: "WebP", detail: "VP8L chunk without its signature") }
            let bits = try b.le(21, width: 4)
            return ImageDimensions(kind: .webp, width: Int(bits & 0x3FFF) + 1, height: Int((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return ImageDimensions(kind: .webp, width: Int(try b.le(24, width: 3)) + 1, height: Int(try b.le(27, width: 3)) + 1)
        default:
            throw MediaFormatError.malformed(format: "WebP", detail: "the first chunk is '\(chunk)', not VP8, VP8L or VP8X")
        }
    }
}
