/// Bounds-checked big- and little-endian reads from a byte array.
///
/// Every accessor throws `MediaFormatError.truncated` (naming `what`) instead of trapping when the bytes
/// run out, so a reader can index freely.
public struct ByteView: Sendable, Equatable {
    /// The bytes.
    public let bytes: [UInt8]
    /// The structure the bytes belong to, for error messages ("the JPEG SOF segment").
    public let what: String

    /// Wraps `bytes`, naming them `what` in errors.
    public init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    /// The number of bytes.
    public var count: Int { bytes.count }

    private func check(_ index: Int, _ width: Int) throws {
        guard index >= 0, width <= bytes.count, index <= bytes.count - width else { throw MediaFormatError.truncated(what: what) }
    }

    /// The byte at `index`.
    public func u8(_ index: Int) throws -> UInt8 {
        try check(index, 1)
        return bytes[index]
    }

    /// The big-endian 16-bit value at `index`.
    public func be16(_ index: Int) throws -> UInt16 {
        try check(index, 2)
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    /// The big-endian 32-bit value at `index`.
    public func be32(_ index: Int) throws -> UInt32 {
        try check(index, 4)
        return (index..<index + 4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[$1]) }
    }

    /// The big-endian 64-bit value at `index`.
    public func be64(_ index: Int) throws -> UInt64 {
        try check(index, 8)
        return (index..<index + 8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[$1]) }
    }

    /// The little-endian unsigned value of `width` (1...4) bytes at `index`.
    /// - Throws: `MediaFormatError.truncated` when the bytes run out or `width` is outside 1...4.
    public func le(_ index: Int, width: Int) throws -> UInt32 {
        guard (1...4).contains(width) else { throw MediaFormatError.truncated(what: what) }
        try check(index, width)
        return (index..<index + width).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[$1]) }
    }

    /// True when the bytes at `index` are the ASCII (or raw) bytes of `magic`; false when they differ or run out.
    public func matches(_ magic: some Collection<UInt8>, at index: Int = 0) -> Bool {
        guard index >= 0, magic.count <= bytes.count, index <= bytes.count - magic.count else { return false }
        return bytes[index..<index + magic.count].elementsEqual(magic)
    }

    /// True when the bytes at `index` spell `text` in ASCII.
    public func matches(_ text: String, at index: Int = 0) -> Bool { matches(Array(text.utf8), at: index) }

    /// Four bytes at `index` as text (an ISO-BMFF box type or a RIFF chunk id); non-printable bytes become `?`.
    public func fourCC(_ index: Int) throws -> String {
        try check(index, 4)
        return String(decoding: bytes[index..<index + 4].map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
