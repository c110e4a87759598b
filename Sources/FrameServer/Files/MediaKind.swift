import MediaFormat

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

    /// Identifies a file from its first bytes (with `MediaFormat.ContainerKind`; at least 12 are needed for WebP,
    /// MP4 and MOV). GIF, WebM and Matroska are `.other`: the server does not publish them as media.
    /// - Parameter header: the start of the file.
    public init(sniffing header: some Collection<UInt8>) {
        switch ContainerKind(sniffing: header) {
        case .png?: self = .png
        case .jpeg?: self = .jpeg
        case .webp?: self = .webp
        case .mp4?: self = .mp4
        case .mov?: self = .mov
        case .gif?, .webm?, .matroska?, nil: self = .other
        }
    }
}
