import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Flushes folders to disk, so that a file created or renamed into one survives a power cut.
enum Durability {
    /// Flushes the folder that holds `path` (`fsync` on the directory).
    ///
    /// - Throws: `StoryboardError.journal` naming the folder when it cannot be flushed.
    static func syncFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoryboardError.journal(path: folder, message: "cannot open the folder to flush it") }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw StoryboardError.journal(path: folder, message: "cannot flush the folder (\(String(cString: strerror(errno))))")
        }
    }

    /// Writes `data` to `path` so that readers see the old file or the whole new one, even after a power cut: a
    /// temporary file beside it, flushed, renamed into place, the folder flushed.
    ///
    /// - Throws: `StoryboardError.report` naming the file.
    static func write(_ data: Data, to path: String) throws {
        let temp = path + ".partial-\(UUID().uuidString.prefix(8))"
        do {
            try data.write(to: URL(fileURLWithPath: temp))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw StoryboardError.report(path: path, message: "cannot write (\((error as NSError).localizedDescription))")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temp)
            throw StoryboardError.report(path: path, message: "cannot rename into place (\(reason))")
        }
        try? syncFolder(of: path)
    }
}
