/// The kinds of media file `MediaFormat` recognises from their first bytes (never from the name).
public enum ContainerKind: String, Sendable, Equatable, CaseIterable {
    /// PNG image (8-byte signature).
    case png
    /// JPEG image (`FF D8 FF`).
    case jpeg
    /// WebP image (`RIFF` ... `WEBP`).
    case webp
    /// GIF image (`GIF87a` or `GIF89a`).
    case gif
    /// ISO base media file (`ftyp` with a brand other than QuickTime's).
    case mp4
    /// QuickTime movie (`ftyp` brand `qt  `, or an old file starting with another top-level atom).
    case mov
    /// WebM (an EBML header with DocType `webm`).
    case webm
    /// Matroska (an EBML header with another DocType).
    case matroska

    /// The number of leading bytes `init(sniffing:)` looks at; fewer are enough for most kinds.
    public static let sniffLength = 64

    /// True for the still-image kinds.
    public var isImage: Bool { self == .png || self == .jpeg || self == .webp || self == .gif }

    /// True for ISO-BMFF (MP4 and MOV).
    public var isISOBaseMedia: Bool { self == .mp4 || self == .mov }

    /// Identifies a file from its first bytes; nil when they match none of the kinds.
    /// - Parameter header: the start of the file (12 bytes tell WebP, MP4 and MOV; up to `sniffLength` tell WebM).
    public init?(sniffing header: some Collection<UInt8>) {
        let b = ByteView(Array(header.prefix(Self.sniffLength)), what: "the file header")
        if b.matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if b.matches([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if b.matches("RIFF") && b.matches("WEBP", at: 8) {
            self = .webp
        } else if b.matches("GIF87a") || b.matches("GIF89a") {
            self = .gif
        } else if b.matches("ftyp", at: 4) {
            self = b.matches("qt  ", at: 8) ? .mov : .mp4
        } else if ["moov", "mdat", "wide", "free", "skip", "pnot"].contains(where: { b.matches($0, at: 4) }) {
            // Old QuickTime files start with an atom other than ftyp.
            self = .mov
        } else if b.matches([0x1A, 0x45, 0xDF, 0xA3]) {
            self = Self.ebmlDocType(b) == "webm" ? .webm : .matroska
        } else {
            return nil
        }
    }

    /// The DocType string of an EBML header (element ID `42 82`), read from the bytes at hand; nil when absent.
    private static func ebmlDocType(_ b: ByteView) -> String? {
        var i = 4
        while i + 3 <= b.count {
            if b.bytes[i] == 0x42, b.bytes[i + 1] == 0x82, b.bytes[i + 2] & 0x80 != 0 {
                let length = Int(b.bytes[i + 2] & 0x7F)
                let start = i + 3
                guard length <= b.count - start else { return nil }
                return String(decoding: b.bytes[start..<start + length], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}
