import Foundation
import MediaFormat

/// Publishes local inputs by uploading them to Segmind storage: for a machine the service cannot reach (behind NAT).
///
/// Each file is checked (readable, not empty, at most `maxBytes`, a PNG, JPEG, WebP, MP4 or MOV by its content),
/// looked up in the cache by a hash of its bytes, and uploaded only when the cache does not know it; a new upload
/// is recorded in the cache before `publish` returns. Uploaded files stay in storage: `unpublish` does nothing.
public struct StorageUploader: LocalInputPublisher {
    /// The largest file uploaded (200 MiB, the largest input any model accepts).
    public static let maxBytes: Int64 = 200 << 20

    /// The client whose storage host and key are used.
    public let client: SegmindClient
    /// Where uploads are remembered.
    public let cache: any UploadCache

    /// Creates an uploader.
    public init(client: SegmindClient, cache: any UploadCache = InMemoryUploadCache()) {
        self.client = client
        self.cache = cache
    }

    /// Uploads `input`'s file (or finds it in the cache) and returns its storage URL.
    ///
    /// - Throws: `SegmindError.badMedia` naming the file when it is unreadable, empty, too large or not a supported
    ///   kind; what `SegmindClient.uploadAsset` or the cache throws.
    public func publish(_ input: LocalInput) async throws -> String {
        let (bytes, mime) = try Self.read(input.path)
        let hash = Self.contentHash(bytes)
        if let url = await cache.url(forContent: hash) { return url }
        let url = try await client.uploadAsset(bytes, mime: mime)
        try await cache.record(hash: hash, url: url)
        return url
    }

    /// Does nothing: Segmind storage has no delete call, so uploaded files persist.
    public func unpublish(_ url: String) async {}

    /// The file's bytes and MIME type (from its content, never its name).
    static func read(_ path: String) throws -> (Data, String) {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw SegmindError.badMedia(path: path, message: "cannot read the file to upload it (\(error.localizedDescription))")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        guard attributes[.type] as? FileAttributeType != .typeDirectory else {
            throw SegmindError.badMedia(path: path, message: "is a folder, not a file to upload")
        }
        guard size <= maxBytes else {
            throw SegmindError.badMedia(path: path, message: "is \(size) bytes; at most \(maxBytes) bytes (200 MiB) can be uploaded")
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw SegmindError.badMedia(path: path, message: "cannot read the file to upload it")
        }
        guard !bytes.isEmpty else { throw SegmindError.badMedia(path: path, message: "is empty; nothing to upload") }
        guard bytes.count <= maxBytes else {
            throw SegmindError.badMedia(path: path, message: "is \(bytes.count) bytes; at most \(maxBytes) bytes (200 MiB) can be uploaded")
        }
        guard let kind = ContainerKind(sniffing: bytes.prefix(ContainerKind.sniffLength)), let mime = mimeTypes[kind] else {
            let found = ContainerKind(sniffing: bytes.prefix(ContainerKind.sniffLength)).map { "a \($0.rawValue) file" } ?? "not a known media file"
            throw SegmindError.badMedia(path: path, message: "is \(found); only PNG, JPEG, WebP, MP4 and MOV files can be uploaded")
        }
        return (bytes, mime)
    }

    /// The MIME type sent for each kind that can be uploaded.
    static let mimeTypes: [ContainerKind: String] = [
        .png: "image/png", .jpeg: "image/jpeg", .webp: "image/webp", .mp4: "video/mp4", .mov: "video/quicktime",
    ]

    /// The cache key of `bytes`: FNV-1a (64 bit) as 16 hex digits, then the byte count.
    static func contentHash(_ bytes: Data) -> String {
        let h = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        return "fnv1a64-" + String(format: "%016llx", h) + "-\(bytes.count)"
    }
}
