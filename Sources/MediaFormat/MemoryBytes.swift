/// A `ByteSource` over bytes already in memory (the start of a file, a test buffer).
public struct MemoryBytes: ByteSource, Sendable {
    /// The bytes.
    public let storage: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: some Collection<UInt8>) {
        storage = Array(bytes)
    }

    /// The number of bytes held.
    public var count: Int64 { Int64(storage.count) }

    /// Up to `length` bytes at `offset` (fewer at the end, none past it or at a negative offset); never throws.
    public func bytes(at offset: Int64, length: Int) throws -> [UInt8] {
        guard offset >= 0, length > 0, offset < count else { return [] }
        let start = Int(offset)
        let available = storage.count - start
        return Array(storage[start..<(start + min(length, available))])
    }
}
