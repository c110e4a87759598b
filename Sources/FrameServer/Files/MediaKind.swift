/// The kinds of file the frame server recognises, from their first bytes (never from the name).
public enum MediaKind: String, Sendable, Codable, CaseIterable {
    /// PNG image.
    case png
    /// JPEG image.
    case jpeg
    /// WebP image.
    case webp
    /// MPEG-4 video (ISO base media file with a non-QuickTime brand).
    case mp4
    /// QuickTime movie.
    case mov
    /// Anything else; served as `application/octet-stream`.
    case other

    /// The `Content-Type` the server sends for this kind.
    public var contentType: String {
        switch self {
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .webp: return "image/webp"
        case .mp4: return "video/mp4"
        case .mov: return "video/quicktime"
        case .other: return "application/octet-stream"
        }
    }

    /// Whether this is an image or video kind that `publishDirectory` publishes.
    public var isMedia: Bool { self != .other }

    /// Identifies a file from its first bytes (at least 12 are needed for WebP, MP4 and MOV).
    /// - Parameter header: the start of the file.
    public init(sniffing header: some Collection<UInt8>) {
        let bytes = Array(header.prefix(16))
        func matches(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if matches([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if matches(Array("RIFF".utf8)) && matches(Array("WEBP".utf8), at: 8) {
            self = .webp
        } else if matches(Array("ftyp".utf8), at: 4) {
            self = matches(Array("qt  ".utf8), at: 8) ? .mov : .mp4
        } else if ["moov", "mdat", "wide", "free", "skip", "pnot"].contains(where: { matches(Array($0.utf8), at: 4) }) {
            // Old QuickTime files start with an atom other than ftyp.
            self = .mov
        } else {
            self = .other
        }
    }
}
