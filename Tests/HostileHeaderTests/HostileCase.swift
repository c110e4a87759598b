/// One hostile input: a seed's bytes with some header values changed, or cut short.
struct HostileCase: Sendable, CustomStringConvertible {
    var seed: SeedMedia
    var label: String
    var bytes: [UInt8]

    var description: String { "\(seed)/\(label)" }
}

/// Writes numbers into a byte array in place, ignoring writes that would fall outside it.
extension Array where Element == UInt8 {
    mutating func putBE(_ value: UInt64, at offset: Int, width: Int) {
        guard offset >= 0, width > 0, offset <= count - width else { return }
        for i in 0..<width { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - i))) }
    }

    mutating func putLE(_ value: UInt64, at offset: Int, width: Int) {
        guard offset >= 0, width > 0, offset <= count - width else { return }
        for i in 0..<width { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    func readBE(at offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width > 0, offset <= count - width else { return nil }
        return self[offset..<offset + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// The offsets where `needle` occurs.
    func offsets(of needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= count else { return [] }
        return (0...(count - needle.count)).filter { self[$0] == needle[0] && self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
