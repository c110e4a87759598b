/// An H.264 decoder configuration record (`avcC`, ISO/IEC 14496-15): the parameter sets an MP4 track declares.
///
/// A smart cut puts the source's SPS/PPS and those of the re-encoded parts (with distinct ids) side by side
/// in one record, so copied and re-encoded samples can share one sample description.
struct AVCConfiguration: Equatable {
    var profile: UInt8
    var compatibility: UInt8
    var level: UInt8
    /// Bytes per NAL unit length prefix (1, 2 or 4).
    var lengthSize: Int
    var sequenceParameterSets: [[UInt8]]
    var pictureParameterSets: [[UInt8]]
    /// Bytes after the PPS list (the chroma/bit depth fields of High profiles), kept as they are.
    var trailer: [UInt8]

    /// Parses an `avcC` record; nil when `bytes` is not one (for example Annex B extradata).
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 7, bytes[0] == 1 else { return nil }
        profile = bytes[1]
        compatibility = bytes[2]
        level = bytes[3]
        lengthSize = Int(bytes[4] & 3) + 1
        var i = 6
        func sets(count: Int) -> [[UInt8]]? {
            var result: [[UInt8]] = []
            for _ in 0..<count {
                guard i + 2 <= bytes.count else { return nil }
                let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
                i += 2
                guard i + n <= bytes.count else { return nil }
                result.append(Array(bytes[i..<i + n]))
                i += n
            }
            return result
        }
        guard let sps = sets(count: Int(bytes[5] & 0x1F)) else { return nil }
        guard i < bytes.count else { return nil }
        let ppsCount = Int(bytes[i])
        i += 1
        guard let pps = sets(count: ppsCount) else { return nil }
        sequenceParameterSets = sps
        pictureParameterSets = pps
        trailer = Array(bytes[i...])
    }

    /// The record's bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = [1, profile, compatibility, level, 0xFC | UInt8(lengthSize - 1), 0xE0 | UInt8(sequenceParameterSets.count)]
        for s in sequenceParameterSets { out += [UInt8(s.count >> 8), UInt8(s.count & 0xFF)] + s }
        out.append(UInt8(pictureParameterSets.count))
        for p in pictureParameterSets { out += [UInt8(p.count >> 8), UInt8(p.count & 0xFF)] + p }
        return out + trailer
    }

    /// The seq_parameter_set_id of an SPS NAL unit (nil when unreadable).
    static func spsID(_ nal: [UInt8]) -> Int? {
        guard nal.count > 4 else { return nil }
        var reader = BitReader(Array(nal[4...]))
        return reader.ue()
    }

    /// The pic_parameter_set_id of a PPS NAL unit.
    static func ppsID(_ nal: [UInt8]) -> Int? {
        guard nal.count > 1 else { return nil }
        var reader = BitReader(Array(nal[1...]))
        return reader.ue()
    }

    /// The NAL units of an Annex B byte stream (start codes removed).
    static func annexBUnits(_ data: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var i = 0
        var start: Int? = nil
        let n = data.count
        while i + 2 < n {
            if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
                if let s = start {
                    var end = i
                    while end > s && data[end - 1] == 0 { end -= 1 }
                    units.append(s..<end)
                }
                i += 3
                start = i
            } else {
                i += 1
            }
        }
        if let s = start, s < n { units.append(s..<n) }
        return units
    }

    /// The NAL units of a length-prefixed sample.
    static func lengthPrefixedUnits(_ data: UnsafeBufferPointer<UInt8>, lengthSize: Int) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var i = 0
        while i + lengthSize <= data.count {
            var n = 0
            for k in 0..<lengthSize { n = n << 8 | Int(data[i + k]) }
            i += lengthSize
            guard n > 0, i + n <= data.count else { break }
            units.append(i..<i + n)
            i += n
        }
        return units
    }
}
