#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What "the same file" means to the server: device, inode, size, modification time and status-change time.
///
/// A publication records the identity of the file when it is published. Every request compares the file's
/// current identity with it; any difference (the file was replaced, renamed over, truncated, appended to,
/// rewritten, touched, or deleted) makes the URL answer 404. `ctime` cannot be set from user space, so a rewrite
/// that restores the old `mtime` is still caught.
struct FileIdentity: Equatable, Sendable, Codable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var modificationSeconds: Int
    var modificationNanoseconds: Int
    var changeSeconds: Int
    var changeNanoseconds: Int

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        #if canImport(Darwin)
            modificationSeconds = Int(info.st_mtimespec.tv_sec)
            modificationNanoseconds = Int(info.st_mtimespec.tv_nsec)
            changeSeconds = Int(info.st_ctimespec.tv_sec)
            changeNanoseconds = Int(info.st_ctimespec.tv_nsec)
        #else
            modificationSeconds = Int(info.st_mtim.tv_sec)
            modificationNanoseconds = Int(info.st_mtim.tv_nsec)
            changeSeconds = Int(info.st_ctim.tv_sec)
            changeNanoseconds = Int(info.st_ctim.tv_nsec)
        #endif
    }

    /// The identity of the regular file at `path` (following symbolic links), or nil if there is none.
    static func current(path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(info)
    }

    /// The identity of an open regular file, or nil.
    static func current(descriptor: Int32) -> FileIdentity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(info)
    }

    /// A strong entity tag derived from size and modification time (the nginx form, `"mtime-size"` in hex).
    var entityTag: String {
        let nanos = modificationSeconds &* 1_000_000_000 &+ modificationNanoseconds
        return "\"" + String(UInt64(bitPattern: Int64(nanos)), radix: 16) + "-" + String(size, radix: 16) + "\""
    }
}

/// An open, read-only file descriptor, closed when the last reference goes away.
final class ReadOnlyFile: Sendable {
    /// The descriptor; valid for the lifetime of this object.
    let descriptor: Int32

    /// Opens `path` read-only.
    /// - Throws: `FrameServerError.notFound` or `.unreadable`.
    init(path: String) throws(FrameServerError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        descriptor = fd
    }

    /// Opens `path` read-only, returning nil on any failure (used on the request path, where every failure is a 404).
    init?(openingIfPossible path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset` into `buffer`, retrying on EINTR.
    /// - Returns: the number of bytes read (0 at end of file), or -1 with `errno` set.
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int, offset: Int) -> Int {
        while true {
            let result = pread(descriptor, buffer.baseAddress, min(count, buffer.count), off_t(offset))
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }
}

/// The `strerror` text for the current `errno`.
func currentErrnoDescription() -> String {
    String(cString: strerror(errno))
}
