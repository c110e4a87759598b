import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run at a time per out folder: an exclusive `flock` on `OUT/run.lock`, held for the lock's lifetime, with the
/// holder's process id written in the file so a second run can say who holds it.
final class RunLock: Sendable {
    private let fd: Int32

    /// Takes the lock of `folder` at once.
    ///
    /// - Throws: `StoryboardError.locked` naming the folder and the holder's process id when another run holds it,
    ///   `.journal` when the lock file cannot be opened.
    init(folder: String) throws {
        let path = (folder as NSString).appendingPathComponent("run.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoryboardError.journal(path: path, message: "cannot open the run lock (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            close(fd)
            throw StoryboardError.locked(path: folder, pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit { close(fd) }
}
