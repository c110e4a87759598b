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
public final class RunJournal: @unchecked Sendable {
    /// The journal's path.
    public let path: String
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating if needed) the journal at `path`.
    ///
    /// - Throws: `StoryboardError.journal` when it cannot be opened.
    public init(path: String) throws {
        self.path = path
        try Self.cutTornTail(path)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoryboardError.journal(path: path, message: "cannot open for appending (\(String(cString: strerror(errno))))") }
        self.fd = fd
        try Durability.syncFolder(of: path)
    }

    /// Moves the bytes after the last newline (a record torn by a crash) to a file beside the journal and truncates
    /// the journal to its last whole line.
    static func cutTornTail(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != 0x0a else { return }
        let keep = data.lastIndex(of: 0x0a).map { $0 + 1 } ?? 0
        let aside = path + ".torn-\(Int(Date().timeIntervalSince1970 * 1000))"
        do {
            try Data(data[keep...]).write(to: URL(fileURLWithPath: aside))
        } catch {
            throw StoryboardError.journal(path: path, message: "cannot keep its torn last line aside in \(aside)")
        }
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoryboardError.journal(path: path, message: "cannot open to cut its torn last line") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(keep)) == 0, fsync(fd) == 0 else {
            throw StoryboardError.journal(path: path, message: "cannot cut its torn last line (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(fd) }

    /// Appends one record and flushes it to disk.
    ///
    /// - Throws: `StoryboardError.journal` when the write or the flush fails.
    public func append(_ record: JournalRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(0x0a)
        try lock.withLock {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else {
                throw StoryboardError.journal(path: path, message: "write failed (\(String(cString: strerror(errno))))")
            }
            guard fsync(fd) == 0 else { throw StoryboardError.journal(path: path, message: "fsync failed (\(String(cString: strerror(errno))))") }
        }
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
