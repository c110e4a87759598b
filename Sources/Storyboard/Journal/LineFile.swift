import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An append-only file of lines (the run journal, the upload ledger): each line written with one `write` and
/// flushed to disk before `append` returns; the folder flushed once the file exists; a torn last line (a crash
/// mid-write) cut off and kept aside in `<path>.torn-<time>` before anything is appended.
final class LineFile: @unchecked Sendable {
    /// The file's path.
    let path: String
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating if needed) the file at `path`.
    ///
    /// - Throws: `StoryboardError.journal` when it cannot be opened.
    init(path: String) throws {
        self.path = path
        try Self.cutTornTail(path)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoryboardError.journal(path: path, message: "cannot open for appending (\(String(cString: strerror(errno))))") }
        self.fd = fd
        try Durability.syncFolder(of: path)
    }

    deinit { close(fd) }

    /// Appends `line` and a newline, and flushes them to disk.
    ///
    /// - Throws: `StoryboardError.journal` when the write or the flush fails.
    func append(_ line: Data) throws {
        var data = line
        data.append(0x0a)
        try lock.withLock {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else {
                throw StoryboardError.journal(path: path, message: "write failed (\(String(cString: strerror(errno))))")
            }
            guard fsync(fd) == 0 else { throw StoryboardError.journal(path: path, message: "fsync failed (\(String(cString: strerror(errno))))") }
        }
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
}
