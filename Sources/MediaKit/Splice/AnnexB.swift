import CFFmpeg

/// Annex B (start code) H.264 packets rewritten as length-prefixed samples, as copied MP4 samples are.
enum AnnexB {
    /// The packet's NAL units with big-endian length prefixes of `lengthSize` bytes (parameter sets and access
    /// unit delimiters dropped: they are in the avcC record); timestamps, duration and flags kept.
    /// - Throws: `MediaError.encodeFailed` naming `path` when a NAL unit is too long for the prefix.
    static func lengthPrefixed(_ packet: Packet, lengthSize: Int, path: String) throws -> Packet {
        let p = packet.pointer.pointee
        let data = UnsafeBufferPointer(start: p.data, count: packet.size)
        let limit = lengthSize >= 4 ? Int(UInt32.max) : (1 << (8 * max(1, lengthSize))) - 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(packet.size + 16)
        for unit in AVCConfig.annexBUnits(data) where !unit.isEmpty {
            let type = data[unit.lowerBound] & 0x1F
            if type == 7 || type == 8 || type == 9 { continue }
            let n = unit.count
            guard (1...4).contains(lengthSize), n <= limit else {
                throw MediaError.encodeFailed(path: path, detail: "a NAL unit of \(n) bytes does not fit a \(lengthSize)-byte length")
            }
            for k in stride(from: lengthSize - 1, through: 0, by: -1) { bytes.append(UInt8((n >> (8 * k)) & 0xFF)) }
            bytes.append(contentsOf: data[unit])
        }
        let out = Packet()
        guard let size = Int32(exactly: bytes.count), av_new_packet(out.pointer, size) >= 0 else {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate a \(bytes.count)-byte packet")
        }
        if let dst = out.pointer.pointee.data {
            bytes.withUnsafeBufferPointer { src in
                if let base = src.baseAddress { dst.update(from: base, count: bytes.count) }
            }
        }
        out.pointer.pointee.pts = p.pts
        out.pointer.pointee.dts = p.dts
        out.pointer.pointee.duration = p.duration
        out.pointer.pointee.flags = p.flags
        return out
    }
}
