import Foundation

/// What an inspector learned about a media file.
public struct MediaFacts: Sendable, Equatable {
    /// Video or image.
    public var kind: OutputKind
    /// "png", "jpeg", "mp4" or "mov".
    public var format: String
    /// Width in pixels (display size of the video track, or the image).
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Duration in seconds (videos).
    public var durationSeconds: Double?
    /// Average frame rate (videos).
    public var framesPerSecond: Double?
    /// File size in bytes.
    public var byteCount: Int64

    /// Creates facts.
    public init(
        kind: OutputKind, format: String, width: Int, height: Int, durationSeconds: Double? = nil, framesPerSecond: Double? = nil,
        byteCount: Int64
    ) {
        self.kind = kind
        self.format = format
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
        self.framesPerSecond = framesPerSecond
        self.byteCount = byteCount
    }
}

/// Reads the facts the client needs about a local or downloaded media file.
///
/// Inject another implementation (one backed by MediaKit's probe, or a fake in tests) where needed.
public protocol MediaInspector: Sendable {
    /// Describes the file at `path`.
    ///
    /// - Throws: `SegmindError.badMedia` naming the file when it is missing or not a PNG, JPEG, MP4 or MOV.
    func inspect(path: String) throws -> MediaFacts
}

/// A dependency-free inspector that reads container headers: PNG `IHDR`, JPEG `SOFn`, and the
/// ISO-BMFF (MP4/MOV) boxes `ftyp`, `mvhd`, `tkhd`, `mdhd`, `hdlr` and `stts` of the video track.
///
/// It does not decode pictures: it proves the file is a well-formed container of the expected kind
/// with a plausible size, duration and frame rate.
public struct HeaderMediaInspector: MediaInspector {
    /// Creates the inspector.
    public init() {}

    public func inspect(path: String) throws -> MediaFacts {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SegmindError.badMedia(path: path, message: "no such file")
        }
        if isDirectory.boolValue { throw SegmindError.badMedia(path: path, message: "is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SegmindError.badMedia(path: path, message: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let size = Int64((try? handle.seekToEnd()) ?? 0)
        if size == 0 { throw SegmindError.badMedia(path: path, message: "file is empty") }
        let head = read(handle, at: 0, count: 65536)
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard head.count >= 24, Array(head[12..<16]) == Array("IHDR".utf8) else {
                throw SegmindError.badMedia(path: path, message: "PNG without an IHDR header")
            }
            let w = Int(be32(head, 16))
            let h = Int(be32(head, 20))
            guard w > 0, h > 0 else { throw SegmindError.badMedia(path: path, message: "PNG with zero size") }
            return MediaFacts(kind: .image, format: "png", width: w, height: h, byteCount: size)
        }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            return try jpeg(handle, path: path, size: size)
        }
        if head.count >= 8,
            Array(head[4..<8]) == Array("ftyp".utf8) || Array(head[4..<8]) == Array("moov".utf8)
                || Array(head[4..<8]) == Array("wide".utf8) || Array(head[4..<8]) == Array("mdat".utf8)
        {
            return try isoMedia(handle, path: path, size: size, head: head)
        }
        throw SegmindError.badMedia(path: path, message: "not a PNG, JPEG, MP4 or MOV file")
    }

    private func read(_ h: FileHandle, at offset: Int64, count: Int) -> [UInt8] {
        guard (try? h.seek(toOffset: UInt64(offset))) != nil, let d = try? h.read(upToCount: count) else { return [] }
        return [UInt8](d)
    }

    private func be16(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(b[i]) << 8 | UInt32(b[i + 1]) }
    private func be32(_ b: [UInt8], _ i: Int) -> UInt32 { be16(b, i) << 16 | be16(b, i + 2) }
    private func be64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(be32(b, i)) << 32 | UInt64(be32(b, i + 4)) }

    private func jpeg(_ h: FileHandle, path: String, size: Int64) throws -> MediaFacts {
        var offset: Int64 = 2
        while offset + 4 <= size {
            let m = read(h, at: offset, count: 10)
            guard m.count >= 4, m[0] == 0xFF else { break }
            let marker = m[1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                offset += 2
                continue
            }
            let length = Int64(be16(m, 2))
            let isSOF = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isSOF, m.count >= 9 {
                let height = Int(be16(m, 5))
                let width = Int(be16(m, 7))
                guard width > 0, height > 0 else { break }
                return MediaFacts(kind: .image, format: "jpeg", width: width, height: height, byteCount: size)
            }
            if marker == 0xDA || length < 2 { break }
            offset += 2 + length
        }
        throw SegmindError.badMedia(path: path, message: "JPEG without a readable frame header (truncated or corrupt)")
    }

    private struct Box {
        var type: String
        var start: Int64
        var headerSize: Int64
        var size: Int64
        var payload: Int64 { start + headerSize }
        var end: Int64 { start + size }
    }

    private func boxes(_ h: FileHandle, from: Int64, to: Int64) -> [Box]? {
        var out: [Box] = []
        var offset = from
        while offset + 8 <= to {
            let b = read(h, at: offset, count: 16)
            guard b.count >= 8 else { return nil }
            var size = Int64(be32(b, 0))
            var header: Int64 = 8
            if size == 1 {
                guard b.count >= 16 else { return nil }
                size = Int64(be64(b, 8))
                header = 16
            } else if size == 0 {
                size = to - offset
            }
            guard size >= header, offset + size <= to else { return nil }
            out.append(Box(type: String(decoding: b[4..<8], as: UTF8.self), start: offset, headerSize: header, size: size))
            offset += size
        }
        return out
    }

    private func isoMedia(_ h: FileHandle, path: String, size: Int64, head: [UInt8]) throws -> MediaFacts {
        func bad(_ m: String) -> SegmindError { .badMedia(path: path, message: m) }
        guard let top = boxes(h, from: 0, to: size) else { throw bad("MP4/MOV box structure is broken (truncated file?)") }
        var format = "mp4"
        if let ftyp = top.first(where: { $0.type == "ftyp" }) {
            let brand = String(decoding: read(h, at: ftyp.payload, count: 4), as: UTF8.self)
            if brand == "qt  " { format = "mov" }
        } else {
            format = "mov"
        }
        guard let moov = top.first(where: { $0.type == "moov" }) else { throw bad("no moov box (truncated or not finalised)") }
        guard top.contains(where: { $0.type == "mdat" }) else { throw bad("no mdat box (no media data)") }
        guard let inMoov = boxes(h, from: moov.payload, to: moov.end) else { throw bad("moov box is broken") }
        var duration: Double?
        if let mvhd = inMoov.first(where: { $0.type == "mvhd" }) {
            let b = read(h, at: mvhd.payload, count: 32)
            if b.count >= 32 {
                let (scale, d) = b[0] == 1 ? (be32(b, 20), Double(be64(b, 24))) : (be32(b, 12), Double(be32(b, 16)))
                if scale > 0 { duration = d / Double(scale) }
            }
        }
        for trak in inMoov where trak.type == "trak" {
            guard let inTrak = boxes(h, from: trak.payload, to: trak.end),
                let mdia = inTrak.first(where: { $0.type == "mdia" }),
                let inMdia = boxes(h, from: mdia.payload, to: mdia.end),
                let hdlr = inMdia.first(where: { $0.type == "hdlr" })
            else { continue }
            let handler = String(decoding: read(h, at: hdlr.payload + 8, count: 4), as: UTF8.self)
            guard handler == "vide" else { continue }
            var width = 0
            var height = 0
            if let tkhd = inTrak.first(where: { $0.type == "tkhd" }) {
                let b = read(h, at: tkhd.payload, count: 92)
                let base = b.first == 1 ? 88 : 76
                if b.count >= base + 8 {
                    width = Int(be32(b, base) >> 16)
                    height = Int(be32(b, base + 4) >> 16)
                }
            }
            var fps: Double?
            var trackDuration: Double?
            if let mdhd = inMdia.first(where: { $0.type == "mdhd" }) {
                let b = read(h, at: mdhd.payload, count: 32)
                let scale: UInt32
                let d: Double
                if b.first == 1, b.count >= 32 {
                    (scale, d) = (be32(b, 20), Double(be64(b, 24)))
                } else if b.count >= 20 {
                    (scale, d) = (be32(b, 12), Double(be32(b, 16)))
                } else {
                    (scale, d) = (0, 0)
                }
                if scale > 0 { trackDuration = d / Double(scale) }
                if let minf = inMdia.first(where: { $0.type == "minf" }), let inMinf = boxes(h, from: minf.payload, to: minf.end),
                    let stbl = inMinf.first(where: { $0.type == "stbl" }), let inStbl = boxes(h, from: stbl.payload, to: stbl.end),
                    let stts = inStbl.first(where: { $0.type == "stts" })
                {
                    let b = read(h, at: stts.payload, count: Int(min(stts.size, 1 << 20)))
                    if b.count >= 8 {
                        let n = Int(be32(b, 4))
                        var samples: UInt64 = 0
                        for i in 0..<n where 8 + i * 8 + 8 <= b.count { samples += UInt64(be32(b, 8 + i * 8)) }
                        if let td = trackDuration, td > 0, samples > 0 { fps = Double(samples) / td }
                    }
                }
            }
            guard width > 0, height > 0 else { throw bad("video track without a frame size") }
            return MediaFacts(
                kind: .video, format: format, width: width, height: height, durationSeconds: trackDuration ?? duration,
                framesPerSecond: fps, byteCount: size)
        }
        throw bad("no video track")
    }
}
