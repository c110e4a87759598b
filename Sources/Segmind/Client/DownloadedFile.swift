import Foundation

/// A file the client wrote and checked.
public struct DownloadedFile: Sendable, Equatable, Codable {
    /// Where it is.
    public var path: String
    /// Its size in bytes.
    public var byteCount: Int64
    /// The `Content-Type` the server sent.
    public var contentType: String?
    /// Where it came from.
    public var sourceURL: String
    /// Video or image, as inspected.
    public var kind: OutputKind
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Duration in seconds (videos).
    public var durationSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case path
        case byteCount = "byte_count"
        case contentType = "content_type"
        case sourceURL = "source_url"
        case kind
        case width
        case height
        case durationSeconds = "duration_seconds"
    }
}
