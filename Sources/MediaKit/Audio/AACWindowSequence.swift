/// The window sequence an AAC-LC raw data block codes its first channel element with (ISO 14496-3 ics_info):
/// where a copied packet meets a re-encoded one, both must be long windows, or the overlap of a short or
/// transitional window with a long one does not cancel its aliasing.
enum AACWindowSequence: Int {
    case onlyLong = 0
    case longStart = 1
    case eightShort = 2
    case longStop = 3

    /// The sequence of `packet`'s raw data block (nil when it cannot be told).
    init?(packet: Packet) {
        guard let data = packet.pointer.pointee.data, packet.size > 0 else { return nil }
        self.init(rawDataBlock: UnsafeBufferPointer(start: data, count: packet.size))
    }

    /// The sequence of the first single-channel, channel-pair or LFE element of `bytes` (nil when the block
    /// starts with another element or is too short).
    init?(rawDataBlock bytes: UnsafeBufferPointer<UInt8>) {
        var reader = BitReader(Array(bytes.prefix(8)))
        func bits(_ n: Int) -> Int? {
            var value = 0
            for _ in 0..<n {
                guard let b = reader.read() else { return nil }
                value = value << 1 | b
            }
            return value
        }
        guard let element = bits(3), bits(4) != nil else { return nil }
        switch element {
        case 0, 3:  // single channel or LFE: global_gain, then ics_info
            guard bits(8) != nil else { return nil }
        case 1:  // channel pair: common_window, then ics_info (after a global_gain when the windows are not common)
            guard let common = bits(1) else { return nil }
            if common == 0 { guard bits(8) != nil else { return nil } }
        default:
            return nil
        }
        guard bits(1) != nil, let sequence = bits(2) else { return nil }
        self.init(rawValue: sequence)
    }
}
