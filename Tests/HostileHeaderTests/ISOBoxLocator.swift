/// An independent walk of a valid MP4/MOV seed's boxes, to aim the mutations (the code under test is not used).
struct ISOBoxSpot: Sendable {
    var type: String
    var offset: Int
    var size: Int
    var payload: Int { offset + 8 }
}

enum ISOBoxLocator {
    static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "udta", "mvex", "moof", "traf"]

    /// Every box with a 32-bit size in `bytes[from..<to]`, depth first.
    static func boxes(_ bytes: [UInt8], from: Int = 0, to: Int? = nil) -> [ISOBoxSpot] {
        let end = to ?? bytes.count
        var out: [ISOBoxSpot] = []
        var offset = from
        while offset + 8 <= end, let size32 = bytes.readBE(at: offset, width: 4) {
            let size = Int(size32)
            guard size >= 8, offset + size <= end else { break }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            out.append(ISOBoxSpot(type: type, offset: offset, size: size))
            if containers.contains(type) { out += boxes(bytes, from: offset + 8, to: offset + size) }
            if type == "stsd" { out += boxes(bytes, from: offset + 16, to: offset + size) }
            offset += size
        }
        return out
    }
}
