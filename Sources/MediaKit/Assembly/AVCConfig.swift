/// An H.264 decoder configuration record (the MP4 `avcC` box payload): its parameter sets and the bytes
/// around them, so that a second encoder's SPS/PPS (with other ids) can be added to a copied stream's record.
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

    /// The `seq_parameter_set_id` of an SPS NAL unit.
    static func spsID(_ nal: [UInt8]) -> Int? {
        var reader = AssemblyBitReader(unescaped(nal), byteOffset: 4)
        return reader.ue()
    }

    /// The `pic_parameter_set_id` of a PPS NAL unit.
    static func ppsID(_ nal: [UInt8]) -> Int? {
        var reader = AssemblyBitReader(unescaped(nal), byteOffset: 1)
        return reader.ue()
    }

    /// The NAL units of an Annex B byte stream (start codes removed).
    static func annexBUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var starts: [(code: Int, payload: Int)] = []
        var i = 0
        let n = bytes.count
        while i + 3 <= n {
            if bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 1 {
                let code = (i > 0 && bytes[i - 1] == 0) ? i - 1 : i
                starts.append((code, i + 3))
                i += 3
            } else {
                i += 1
            }
        }
        var units: [Range<Int>] = []
        for (k, s) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].code : n
            if end > s.payload { units.append(s.payload..<end) }
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

/// Reads Exp-Golomb codes from RBSP bytes.
struct AssemblyBitReader {
    let bytes: [UInt8]
    var bit: Int

    init(_ bytes: [UInt8], byteOffset: Int) {
        self.bytes = bytes
        bit = byteOffset * 8
    }

    mutating func read() -> Int? {
        guard bit / 8 < bytes.count else { return nil }
        let value = Int(bytes[bit / 8] >> (7 - UInt8(bit % 8))) & 1
        bit += 1
        return value
    }

    /// An unsigned Exp-Golomb value.
    mutating func ue() -> Int? {
        var zeros = 0
        while true {
            guard let b = read() else { return nil }
            if b == 1 { break }
            zeros += 1
            if zeros > 31 { return nil }
        }
        var value = 0
        for _ in 0..<zeros {
            guard let b = read() else { return nil }
            value = value << 1 | b
        }
        return (1 << zeros) - 1 + value
    }
}
