import Foundation

/// Small readers for file headers that FFmpeg does not report when it gives up early:
/// the top-level boxes of an ISO BMFF (MP4/MOV) file and a PNG's IHDR chunk.
enum FileHeaders {
    /// A top-level ISO BMFF box.
    struct Box: Equatable {
        var type: String
        var offset: Int64
        var size: Int64
        /// True when the box's declared size runs past the end of the file.
        var overruns: Bool
    }

    /// The top-level boxes of an MP4/MOV file, in order (at most `limit`). Stops at the first box that
    /// runs past the end of the file or cannot be parsed. Reads 16 bytes per box.
    static func topLevelBoxes(path: String, fileSize: Int64, stopAt stopType: String? = nil, limit: Int = 4096) -> [Box] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        var boxes: [Box] = []
        var offset: Int64 = 0
        while offset + 8 <= fileSize && boxes.count < limit {
            guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
                let header = try? handle.read(upToCount: 16), header.count >= 8
            else { break }
            let bytes = [UInt8](header)
            let size32 = bytes[0..<4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let typeBytes = bytes[4..<8]
            guard typeBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { break }
            let type = String(decoding: typeBytes, as: UTF8.self)
            var size = Int64(size32)
            if size32 == 1 {
                guard bytes.count >= 16 else { break }
                let large = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                guard large <= UInt64(Int64.max) else { break }
                size = Int64(large)
            } else if size32 == 0 {
                size = fileSize - offset
            }
            guard size >= 8 else { break }
            let overruns = offset + size > fileSize
            boxes.append(Box(type: type, offset: offset, size: size, overruns: overruns))
            if overruns || type == stopType { break }
            offset += size
        }
        return boxes
    }

    /// True when the file has a top-level `moof` box (a fragmented MP4, whose index the demuxer builds while reading).
    static func isFragmentedMP4(path: String, fileSize: Int64) -> Bool {
        topLevelBoxes(path: path, fileSize: fileSize, stopAt: "moof").contains { $0.type == "moof" }
    }

    /// Explains why an MP4/MOV file could not be opened, when its box structure shows it: a file that starts
    /// with `ftyp` and has a box running past the end of the file was cut short; one without a `moov` box
    /// (the index) was cut short or never finished.
    static func mp4OpenFailure(path: String, fileSize: Int64) -> MediaError? {
        let boxes = topLevelBoxes(path: path, fileSize: fileSize)
        guard boxes.first?.type == "ftyp" else { return nil }
        let hasMoov = boxes.contains { $0.type == "moov" && !$0.overruns }
        if let cut = boxes.first(where: { $0.overruns }) {
            let missing = hasMoov ? "" : ", and there is no complete moov box (the index)"
            return .truncated(
                path: path,
                detail: "the \(cut.type) box ends at byte \(cut.offset + cut.size) but the file has \(fileSize) bytes\(missing)")
        }
        if !hasMoov { return .unrecognizedFormat(path: path, reason: "MP4/MOV file without a moov box (the index)") }
        return nil
    }

    /// The header of a PNG file.
    struct PNGHeader: Equatable {
        var width: Int
        var height: Int
        var bitDepth: Int
        var hasAlpha: Bool
    }

    /// Reads a PNG's signature and IHDR chunk; nil when the file does not start like a PNG.
    static func pngHeader(path: String) -> PNGHeader? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 26), data.count == 26 else { return nil }
        let b = [UInt8](data)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard Array(b[0..<8]) == signature, String(decoding: b[12..<16], as: UTF8.self) == "IHDR" else { return nil }
        func be32(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let colorType = b[25]
        return PNGHeader(width: be32(16), height: be32(20), bitDepth: Int(b[24]), hasAlpha: colorType == 4 || colorType == 6)
    }
}
