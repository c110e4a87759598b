import MediaFormat

/// Small readers for file headers that FFmpeg does not report when it gives up early:
/// the top-level boxes of an ISO BMFF (MP4/MOV) file and a PNG's IHDR chunk (both read by `MediaFormat`).
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
    /// runs past the end of the file or cannot be parsed (a size smaller than its header or beyond 64-bit offsets,
    /// a type that is not printable). Reads 16 bytes per box.
    static func topLevelBoxes(path: String, fileSize: Int64, stopAt stopType: String? = nil, limit: Int = 4096) -> [Box] {
        guard let file = try? FileBytes(path: path) else { return [] }
        var boxes: [Box] = []
        var offset: Int64 = 0
        while offset <= fileSize, fileSize - offset >= 8, boxes.count < limit {
            guard let box = try? ISOBox.read(in: file, at: offset, enclosingEnd: fileSize), box.hasPrintableType else { break }
            let overruns = box.end > fileSize
            boxes.append(Box(type: box.type, offset: box.offset, size: box.size, overruns: overruns))
            if overruns || box.type == stopType { break }
            offset = box.end
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

    /// Reads a PNG's signature and IHDR chunk; nil when the file does not start like a PNG or its declared size
    /// is outside `ImageLimits.standard` (zero, or more than 32768 a side: `ImageHeader` refuses those by name).
    static func pngHeader(path: String) -> PNGHeader? {
        guard let file = try? FileBytes(path: path), let h = try? MediaFormat.PNGHeader(from: file),
            (try? ImageLimits.standard.check(width: h.width, height: h.height, format: "PNG")) != nil
        else { return nil }
        return PNGHeader(width: h.width, height: h.height, bitDepth: h.bitDepth, hasAlpha: h.hasAlpha)
    }
}
