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
}
