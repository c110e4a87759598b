/// Random access to the bytes of a file or a buffer, for the header readers.
///
/// Implementations never trap: reads past the end return fewer bytes (or none).
public protocol ByteSource {
    /// The total number of bytes.
    var count: Int64 { get }

    /// Up to `length` bytes starting at `offset`: fewer at the end of the data, none past it.
    /// - Throws: `MediaFormatError.unreadable` when the underlying read fails.
    func bytes(at offset: Int64, length: Int) throws -> [UInt8]
}

extension ByteSource {
    /// Exactly `length` bytes at `offset`, as a `ByteView` that names `what` in its errors.
    /// - Throws: `MediaFormatError.truncated(what:)` when fewer bytes are there.
    public func view(at offset: Int64, length: Int, what: String) throws -> ByteView {
        let bytes = try self.bytes(at: offset, length: length)
        guard bytes.count == length else { throw MediaFormatError.truncated(what: what) }
        return ByteView(bytes, what: what)
    }

    /// Up to `length` bytes at `offset` as a `ByteView` (shorter at the end of the data).
    public func prefixView(at offset: Int64, length: Int, what: String) throws -> ByteView {
        ByteView(try bytes(at: offset, length: length), what: what)
    }
}
