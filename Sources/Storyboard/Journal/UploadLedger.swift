import Foundation
import Segmind

/// The uploads of a run folder (`OUT/uploads.jsonl`): each file uploaded to Segmind storage, by content hash, with
/// its URL, flushed to disk before the submit that uses it. The same bytes are never uploaded twice in a run folder:
/// a resumed run finds the URL here.
public actor UploadLedger: UploadCache {
    private struct Entry: Codable {
        var hash: String
        var url: String
        var time: Double
    }

    /// The ledger's path.
    public let path: String
    private var urls: [String: String] = [:]
    private var file: LineFile?

    /// Opens the ledger at `path` (reading what earlier runs recorded; a torn last line is ignored).
    public init(path: String) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path) {
            for line in data.split(separator: 0x0a) {
                if let e = try? JSONDecoder().decode(Entry.self, from: Data(line)) { urls[e.hash] = e.url }
            }
        }
    }

    /// The storage URL recorded for content with this hash, or nil.
    public func url(forContent hash: String) async -> String? { urls[hash] }

    /// Records an upload and flushes it to disk.
    ///
    /// - Throws: `StoryboardError.journal` when the ledger cannot be written.
    public func record(hash: String, url: String) async throws {
        if file == nil { file = try LineFile(path: path) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try file?.append(try encoder.encode(Entry(hash: hash, url: url, time: Date().timeIntervalSince1970)))
        urls[hash] = url
    }
}
