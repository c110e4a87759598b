import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The run journal: an append-only JSON-lines file in the out folder. Every record is written with one `write`
/// and flushed to disk (`fsync`) before the call returns; the folder is flushed once the file exists. A torn last
/// line (a crash mid-write) is ignored on reading, and cut off (kept aside in `journal.jsonl.torn-<time>`) before
/// anything is appended, so the next record starts on a line of its own.
public final class RunJournal: Sendable {
    /// The journal's path.
    public var path: String { file.path }
    private let file: LineFile

    /// Opens (creating if needed) the journal at `path`, cutting a torn last line off first.
    ///
    /// - Throws: `StoryboardError.journal` when it cannot be opened.
    public init(path: String) throws {
        file = try LineFile(path: path)
    }

    /// Appends one record and flushes it to disk.
    ///
    /// - Throws: `StoryboardError.journal` when the write or the flush fails.
    public func append(_ record: JournalRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try file.append(try encoder.encode(record))
    }

    /// Reads every complete record of the journal at `path` (none when the file does not exist).
    ///
    /// - Throws: `StoryboardError.journal` when a line other than a torn last one does not parse.
    public static func read(_ path: String) throws -> [JournalRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = data.split(separator: 0x0a, omittingEmptySubsequences: false)
        let torn = data.last != 0x0a
        if torn || lines.last?.isEmpty == true { lines.removeLast() }
        var records: [JournalRecord] = []
        for (i, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try JSONDecoder().decode(JournalRecord.self, from: Data(line)))
            } catch {
                throw StoryboardError.journal(path: path, message: "line \(i + 1) is not a journal record")
            }
        }
        return records
    }
}
