import Foundation

/// FNV-1a (64 bit) over bytes, as 16 hex digits: the fingerprint of a shot and of the files it reads.
struct ContentHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Folds `bytes` in.
    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
    }

    /// The hash so far as 16 hex digits.
    var hex: String { String(format: "%016llx", state) }

    /// The hash of the file at `path`, read in 1 MiB blocks; `unreadable` when it cannot be read (the validator
    /// reports why).
    static func file(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "unreadable" }
        defer { try? handle.close() }
        var hash = ContentHash()
        while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty { hash.add(block) }
        return hash.hex
    }
}
