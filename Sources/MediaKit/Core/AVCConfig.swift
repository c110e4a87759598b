import CFFmpeg

/// An H.264 decoder configuration record (the MP4 `avcC` box payload, ISO/IEC 14496-15): its parameter sets and
/// the bytes around them. Concat's seam GOPs and trim's smart cut add a second encoder's SPS/PPS (under ids the
/// source does not use) to a copied stream's record, so copied and re-encoded samples share one sample description.
struct AVCConfig: Equatable {
    var header: [UInt8]  // configurationVersion, profile, compatibility, level, lengthSizeMinusOne
    var sps: [[UInt8]]
    var pps: [[UInt8]]
    var trailer: [UInt8]  // High-profile chroma/bit-depth bytes and SPS extensions, verbatim

    /// Bytes per NAL length prefix in the samples.
    var lengthSize: Int { Int(header[4] & 3) + 1 }

    /// Parses an avcC record; nil when `bytes` is not one (Annex B extradata, truncated, ...).
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 7, bytes[0] == 1 else { return nil }
        header = Array(bytes[0..<5])
        var i = 6
        func take(_ count: Int) -> [[UInt8]]? {
            var out: [[UInt8]] = []
            for _ in 0..<count {
                guard i + 2 <= bytes.count else { return nil }
                let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
                i += 2
                guard i + n <= bytes.count, n > 0 else { return nil }
                out.append(Array(bytes[i..<i + n]))
                i += n
            }
            return out
        }
        guard let s = take(Int(bytes[5] & 0x1f)), i < bytes.count else { return nil }
        let ppsCount = Int(bytes[i])
        i += 1
        guard let pps = take(ppsCount) else { return nil }
        sps = s
        self.pps = pps
        trailer = Array(bytes[i...])
    }

    /// The avcC record in a stream's extradata; nil when there is none.
    init?(parameters: AVCodecParameters) {
        guard let data = parameters.extradata, parameters.extradata_size > 0 else { return nil }
        self.init(Array(UnsafeBufferPointer(start: data, count: Int(parameters.extradata_size))))
    }

    init(header: [UInt8], sps: [[UInt8]], pps: [[UInt8]], trailer: [UInt8]) {
        self.header = header
        self.sps = sps
        self.pps = pps
        self.trailer = trailer
    }

    /// The record's bytes.
    var bytes: [UInt8] {
        var out = header
        out.append(0xe0 | UInt8(sps.count))
        for s in sps { out += [UInt8(s.count >> 8), UInt8(s.count & 0xff)] + s }
        out.append(UInt8(pps.count))
        for p in pps { out += [UInt8(p.count >> 8), UInt8(p.count & 0xff)] + p }
        return out + trailer
    }

    /// The smallest id (0...31) that no SPS or PPS of the record uses, for one more SPS/PPS pair; nil when there
    /// is none or the record has no room for one more of each.
    func freeParameterSetID() -> Int? {
        guard sps.count + 1 <= 31, pps.count + 1 <= 255 else { return nil }
        let used = Set(sps.compactMap(Self.spsID) + pps.compactMap(Self.ppsID))
        return (0...31).first { !used.contains($0) }
    }

    /// The SPS and the PPS NAL units of Annex B bytes (an encoder's global header).
    static func parameterSets(annexB bytes: [UInt8]) -> (sps: [[UInt8]], pps: [[UInt8]]) {
        var sps: [[UInt8]] = []
        var pps: [[UInt8]] = []
        bytes.withUnsafeBufferPointer { buffer in
            for unit in annexBUnits(buffer) where !unit.isEmpty {
                switch buffer[unit.lowerBound] & 0x1F {
                case 7: sps.append(Array(buffer[unit]))
                case 8: pps.append(Array(buffer[unit]))
                default: break
                }
            }
        }
        return (sps, pps)
    }

    /// The `seq_parameter_set_id` of an SPS NAL unit.
    static func spsID(_ nal: [UInt8]) -> Int? {
        var reader = BitReader(unescaped(nal), byteOffset: 4)
        return reader.ue()
    }

    /// The `pic_parameter_set_id` of a PPS NAL unit.
    static func ppsID(_ nal: [UInt8]) -> Int? {
        var reader = BitReader(unescaped(nal), byteOffset: 1)
        return reader.ue()
    }

    /// The NAL units of an Annex B byte stream (start codes and trailing zero bytes removed).
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
                    if end > s { units.append(s..<end) }
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

    /// The NAL units of a length-prefixed sample (`lengthSize` bytes of big-endian length before each).
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

    private static func unescaped(_ nal: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(nal.count)
        var zeros = 0
        for b in nal {
            if zeros >= 2 && b == 3 {
                zeros = 0
                continue
            }
            zeros = b == 0 ? zeros + 1 : 0
            out.append(b)
        }
        return out
    }
}
