/// Reads bits and Exp-Golomb codes from H.264 RBSP bytes (parameter sets), most significant bit first.
struct BitReader {
    let bytes: [UInt8]
    var bit: Int

    init(_ bytes: [UInt8], byteOffset: Int = 0) {
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
