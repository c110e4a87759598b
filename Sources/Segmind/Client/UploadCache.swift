/// Remembers which file contents were already uploaded to Segmind storage, so the same bytes are sent only once.
///
/// `StorageUploader` asks it with a content hash before uploading and records each new upload before `publish`
/// returns; a caller can keep the records somewhere lasting (a run folder's journal) by implementing it.
public protocol UploadCache: Sendable {
    /// The storage URL recorded for content with this hash, or nil.
    func url(forContent hash: String) async -> String?
    /// Records that content with this hash is stored at `url`.
    func record(hash: String, url: String) async throws
}

/// An `UploadCache` that lives as long as the value (one process).
public actor InMemoryUploadCache: UploadCache {
    private var urls: [String: String]

    /// Creates a cache, optionally with known records (hash to URL).
    public init(_ urls: [String: String] = [:]) {
        self.urls = urls
    }

    public func url(forContent hash: String) async -> String? { urls[hash] }

    public func record(hash: String, url: String) async throws { urls[hash] = url }

    /// Every record, hash to URL.
    public var records: [String: String] { urls }
}
