#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `ByteSource` reading a file with `pread`: nothing is read until asked for.
///
/// Not `Sendable`: it owns an open file descriptor, closed in `deinit`.
public final class FileBytes: ByteSource {
    private let descriptor: Int32
    /// The file's size in bytes when it was opened.
    public let count: Int64

    /// Opens `path` for reading.
    /// - Throws: `MediaFormatError.unreadable` with the system's reason when it cannot be opened or is not a regular file.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MediaFormatError.unreadable(reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw MediaFormatError.unreadable(reason: "not a regular file")
        }
        descriptor = fd
        count = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    /// Up to `length` bytes at `offset`, read with `pread` (fewer at the end of the file, none past it).
    /// - Throws: `MediaFormatError.unreadable` when a read fails.
    public func bytes(at offset: Int64, length: Int) throws -> [UInt8] {
        guard offset >= 0, length > 0, offset < count else { return [] }
        let wanted = Int(min(Int64(length), count - offset))
        var filled = 0
        let buffer = try [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            while filled < wanted {
                let n = pread(descriptor, buffer.baseAddress! + filled, wanted - filled, off_t(offset) + off_t(filled))
                if n < 0 && errno == EINTR { continue }
                if n < 0 {
                    initialized = filled
                    throw MediaFormatError.unreadable(reason: String(cString: strerror(errno)))
                }
                if n == 0 { break }
                filled += n
            }
            initialized = filled
        }
        return buffer
    }
}
