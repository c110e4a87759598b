import MediaTestSupport

/// Builds the hostile cases for one seed: structured header edits for its format, truncations, and seeded
/// random byte flips in the first 4 KiB. The same seed bytes always give the same cases.
struct HeaderMutator {
    let seed: SeedMedia
    let original: [UInt8]
    /// Random-flip cases per seed.
    static let randomCases = 260

    private var cases: [HostileCase] = []

    init(seed: SeedMedia, bytes: [UInt8]) {
        self.seed = seed
        original = bytes
    }

    static let dimensions32: [UInt64] = [0, 1, 30000, 32769, 65536, 0x7FFF_FFFF, 0xFFFF_FFFF]
    static let counts32: [UInt64] = [0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF]

    mutating func add(_ label: String, _ edit: (inout [UInt8]) -> Void) {
        var bytes = original
        edit(&bytes)
        cases.append(HostileCase(seed: seed, label: label, bytes: bytes))
    }

    /// All the cases for the seed.
    mutating func build() -> [HostileCase] {
        switch seed {
        case .png: png()
        case .jpeg: jpeg()
        case .webpLossy, .webpLossless, .webpAlpha: webp()
        case .mp4, .mp4MoovLast, .mov: iso()
        case .webm: ebml()
        }
        truncations()
        randomFlips()
        return cases.filter { $0.bytes != original }
    }

    private mutating func truncations() {
        var lengths: Set<Int> = [0, 1, 2, 3, 4, 7, 8, 11, 12, 15, 16, 20, 24, 26, 29, 30, 32, 33, 64, 100, 256, 512, 1024, 4096]
        for tenth in 1..<10 { lengths.insert(original.count * tenth / 10) }
        lengths.insert(original.count - 1)
        var rng = SplitMix64(seed: 0x7472_756E ^ UInt64(original.count))
        for _ in 0..<16 { lengths.insert(Int.random(in: 0..<original.count, using: &rng)) }
        for n in lengths.sorted() where n < original.count { add("truncated to \(n) bytes") { $0 = Array($0.prefix(n)) } }
    }

    private mutating func randomFlips() {
        var rng = SplitMix64(seed: 0x5EED_0000 &+ UInt64(SeedMedia.allCases.firstIndex(of: seed) ?? 0))
        let span = min(4096, original.count)
        for n in 0..<Self.randomCases {
            let flips = Int.random(in: 1...12, using: &rng)
            let positions = (0..<flips).map { _ in Int.random(in: 0..<span, using: &rng) }
            let values = (0..<flips).map { _ in UInt8.random(in: 0...255, using: &rng) }
            add("random flips #\(n) at \(positions)") { bytes in
                for (p, v) in zip(positions, values) { bytes[p] = n % 3 == 0 ? bytes[p] ^ (1 << (v % 8)) : v }
            }
        }
    }

    // MARK: PNG

    private mutating func png() {
        for w in Self.dimensions32 {
            for (label, edit) in [("width", [16]), ("height", [20]), ("width and height", [16, 20])] {
                for fixCRC in [true, false] {
                    add("IHDR \(label) \(w)\(fixCRC ? "" : " (stale CRC)")") { bytes in
                        for offset in edit { bytes.putBE(w, at: offset, width: 4) }
                        if fixCRC { bytes.putBE(UInt64(CRC32.checksum(bytes[12..<29])), at: 29, width: 4) }
                    }
                }
            }
        }
        add("IHDR length 2^32-1") { $0.putBE(0xFFFF_FFFF, at: 8, width: 4) }
        add("IHDR length 0") { $0.putBE(0, at: 8, width: 4) }
        add("colour type 7, depth 0") { bytes in
            bytes[24] = 0
            bytes[25] = 7
        }
        for idat in original.offsets(of: Array("IDAT".utf8)) {
            for n in Self.counts32 + [0] { add("IDAT length \(n)") { $0.putBE(n, at: idat - 4, width: 4) } }
        }
    }

    // MARK: JPEG

    /// The marker segments of the seed: (offset of the FF, marker).
    private func jpegSegments() -> [(Int, UInt8)] {
        var out: [(Int, UInt8)] = []
        var i = 2
        while i + 4 <= original.count, original[i] == 0xFF {
            let marker = original[i + 1]
            out.append((i, marker))
            if marker == 0xDA { break }
            i += 2 + Int(original.readBE(at: i + 2, width: 2) ?? 0)
        }
        return out
    }

    private mutating func jpeg() {
        for (offset, marker) in jpegSegments() {
            for length in [0, 1, 2, 3, 0xFFFF] as [UInt64] {
                add("segment FF\(String(marker, radix: 16)) length \(length)") { $0.putBE(length, at: offset + 2, width: 2) }
            }
            if (0xC0...0xCF).contains(marker), marker != 0xC4 {
                for v in [0, 1, 0x8000, 0xFFFF] as [UInt64] {
                    add("SOF height \(v)") { $0.putBE(v, at: offset + 5, width: 2) }
                    add("SOF width \(v)") { $0.putBE(v, at: offset + 7, width: 2) }
                    add("SOF width and height \(v)") { bytes in
                        bytes.putBE(v, at: offset + 5, width: 2)
                        bytes.putBE(v, at: offset + 7, width: 2)
                    }
                }
                add("SOF components 255") { $0[offset + 9] = 255 }
                add("4096 fill bytes before SOF") { $0.insert(contentsOf: [UInt8](repeating: 0xFF, count: 4096), at: offset) }
            }
        }
        add("no SOI") { $0[1] = 0x00 }
    }

    // MARK: WebP

    private mutating func webp() {
        for v in [0, 0x7FFF_FFFF, 0xFFFF_FFFF] as [UInt64] {
            add("RIFF size \(v)") { $0.putLE(v, at: 4, width: 4) }
            add("first chunk size \(v)") { $0.putLE(v, at: 16, width: 4) }
        }
        let chunk = String(decoding: original[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ":
            for v in [0, 0x3FFF, 0xFFFF] as [UInt64] {
                add("VP8 width \(v)") { $0.putLE(v, at: 26, width: 2) }
                add("VP8 height \(v)") { $0.putLE(v, at: 28, width: 2) }
            }
        case "VP8L":
            for v in [0, 0xFFFF_FFFF, 0x0FFF_FFFF] as [UInt64] { add("VP8L size bits \(v)") { $0.putLE(v, at: 21, width: 4) } }
        default:
            for v in [0, 0xFF_FFFF, 0x7F_FFFF] as [UInt64] {
                add("VP8X width \(v)") { $0.putLE(v, at: 24, width: 3) }
                add("VP8X height \(v)") { $0.putLE(v, at: 27, width: 3) }
            }
            for v in [0, 0xFFFF_FFFF] as [UInt64] { add("second chunk size \(v)") { $0.putLE(v, at: 34, width: 4) } }
        }
    }

    // MARK: ISO-BMFF

    private mutating func iso() {
        let boxes = ISOBoxLocator.boxes(original)
        let large: [UInt64] = [1 << 63, (1 << 63) + 1, UInt64.max]
        for box in boxes {
            add("\(box.type) size 0") { $0.putBE(0, at: box.offset, width: 4) }
            add("\(box.type) size 7") { $0.putBE(7, at: box.offset, width: 4) }
            add("\(box.type) size 2^32-1") { $0.putBE(0xFFFF_FFFF, at: box.offset, width: 4) }
            let pastEnd = UInt64(original.count + 1 - box.offset)
            add("\(box.type) size past the end") { $0.putBE(pastEnd, at: box.offset, width: 4) }
            for l in large {
                add("\(box.type) size 1, largesize \(l)") { bytes in
                    bytes.putBE(1, at: box.offset, width: 4)
                    bytes.putBE(l, at: box.offset + 8, width: 8)
                }
            }
            // Table entry counts: stsz has version/flags and a sample size before its count.
            let countOffset: Int? =
                switch box.type {
                case "stsz": box.payload + 8
                case "stco", "co64", "stts", "ctts", "stss", "stsc", "elst", "stsd", "dref", "sbgp", "sgpd": box.payload + 4
                default: nil
                }
            if let countOffset {
                for n in Self.counts32 { add("\(box.type) entry count \(n)") { $0.putBE(n, at: countOffset, width: 4) } }
            }
            if box.type == "stsz" { add("stsz sample size 2^32-1") { $0.putBE(0xFFFF_FFFF, at: box.payload + 4, width: 4) } }
            if box.type == "tkhd" {
                for v in [0, 0xFFFF_FFFF, 0x7FFF_0000] as [UInt64] {
                    add("tkhd width and height \(v)") { bytes in
                        bytes.putBE(v, at: box.payload + 76, width: 4)
                        bytes.putBE(v, at: box.payload + 80, width: 4)
                    }
                }
                add("tkhd version 1") { $0[box.payload] = 1 }
            }
            if box.type == "mvhd" || box.type == "mdhd" {
                add("\(box.type) timescale 0") { $0.putBE(0, at: box.payload + 12, width: 4) }
                add("\(box.type) duration 2^32-1") { $0.putBE(0xFFFF_FFFF, at: box.payload + 16, width: 4) }
                add("\(box.type) version 1") { $0[box.payload] = 1 }
            }
            if box.type == "avc1" || box.type == "mp4a" {
                for v in [0, 0xFFFF] as [UInt64] {
                    add("\(box.type) sample entry size fields \(v)") { bytes in
                        bytes.putBE(v, at: box.offset + 32, width: 2)
                        bytes.putBE(v, at: box.offset + 34, width: 2)
                    }
                }
            }
        }
        for l in large {
            add("trailing box with 64-bit size \(l)") { bytes in
                bytes += [0, 0, 0, 1] + Array("free".utf8)
                bytes += (0..<8).map { UInt8(truncatingIfNeeded: l >> (8 * UInt64(7 - $0))) }
            }
        }
        add("trailing box with 32-bit size past the end") { $0 += [0x7F, 0xFF, 0xFF, 0xFF] + Array("mdat".utf8) }
        add("trailing box with size 0") { $0 += [0, 0, 0, 0] + Array("skip".utf8) + [1, 2, 3] }
        add("trailing 7 bytes") { $0 += [0, 0, 0, 9, 0x66, 0x72, 0x65] }
    }

    // MARK: EBML (WebM)

    private mutating func ebml() {
        let ids: [(String, [UInt8])] = [
            ("EBML", [0x1A, 0x45, 0xDF, 0xA3]), ("Segment", [0x18, 0x53, 0x80, 0x67]), ("SeekHead", [0x11, 0x4D, 0x9B, 0x74]),
            ("Info", [0x15, 0x49, 0xA9, 0x66]), ("Tracks", [0x16, 0x54, 0xAE, 0x6B]), ("Cluster", [0x1F, 0x43, 0xB6, 0x75]),
            ("Cues", [0x1C, 0x53, 0xBB, 0x6B]), ("DocType", [0x42, 0x82]),
        ]
        for (name, id) in ids {
            for offset in original.offsets(of: id).prefix(4) {
                let sizeAt = offset + id.count
                guard sizeAt < original.count else { continue }
                let first = original[sizeAt]
                let width = first == 0 ? 8 : first.leadingZeroBitCount + 1
                guard sizeAt + width <= original.count else { continue }
                let marker = UInt64(1) << UInt64(7 * width)
                for (label, value) in [("unknown", marker | (marker - 1)), ("huge", marker | (marker - 2)), ("zero", marker)] {
                    add("\(name) at \(offset) size \(label)") { $0.putBE(value, at: sizeAt, width: width) }
                }
            }
        }
        for (name, id) in [("PixelWidth", UInt8(0xB0)), ("PixelHeight", UInt8(0xBA))] {
            for offset in original.offsets(of: [id, 0x81]).prefix(2) + original.offsets(of: [id, 0x82]).prefix(2) {
                let width = Int(original[offset + 1] & 0x7F)
                for v in [0, 0xFFFF] as [UInt64] { add("\(name) at \(offset) = \(v)") { $0.putBE(v, at: offset + 2, width: width) } }
                guard offset + 2 + width <= original.count else { continue }
                add("\(name) at \(offset) 8-byte value 2^64-1") { bytes in
                    bytes[offset + 1] = 0x88
                    bytes.replaceSubrange(offset + 2..<offset + 2 + width, with: [UInt8](repeating: 0xFF, count: 8))
                }
            }
        }
    }
}

/// The PNG chunk checksum.
enum CRC32 {
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
