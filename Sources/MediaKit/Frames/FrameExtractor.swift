import CFFmpeg

/// Extracts the exact frame a player displays from a video (or still image) file.
///
/// `--last` follows research/ffmpeg.md §1.3: seek to the last keyframe, decode to the end, keep the
/// frame with the greatest presentation time and check it against the greatest pts among the
/// packets read; step back one index keyframe at a time when nothing comes out.
/// `index` and `time` demux the stream once (no decoding) to learn every displayed pts, then seek
/// to the keyframe before the wanted frame and decode forward to exactly that pts.
public enum FrameExtractor {
    /// The number of keyframes `last` tries (stepping back one each time) before it decodes the file from its start.
    static let maxKeyframeAttempts = 4

    /// Decodes the selected frame and returns it upright at display size.
    /// - Parameters:
    ///   - path: a video or image file.
    ///   - selector: which displayed frame.
    ///   - options: pixel limit and output quality.
    /// - Throws: `MediaError` naming the file and the problem (including `frameOutOfRange`,
    ///   `truncated`, `unconfirmedFrame` and `tooManyPixels`).
    public static func extract(from path: String, _ selector: FrameSelector, options: FrameOptions = .init()) throws -> ExtractedFrame {
        switch selector {
        case .index(let n) where n < 0:
            throw MediaError.invalidArgument("frame index \(n) is negative; indices start at 0")
        case .time(let t) where !(t >= 0) || !t.isFinite:
            throw MediaError.invalidArgument("time \(t) is not a finite number of seconds >= 0")
        default: break
        }
        // `last` opens its own readers (with frame threads first); the other selectors share one.
        let open = { try VideoReader(path: path, pixelLimit: options.pixelLimit) }
        var found: FoundFrame
        switch selector {
        case .last:
            found = try lastFrame(path: path, pixelLimit: options.pixelLimit)
        case .first:
            let reader = try open()
            found = try first(reader)
            found.reader = reader
        case .index(let n):
            let reader = try open()
            found = try byPresentationOrder(reader, path: path, pixelLimit: options.pixelLimit) { pts in
                guard n < pts.count else {
                    throw MediaError.frameOutOfRange(
                        path: path,
                        detail:
                            "frame index \(n) is past the end: the video has \(pts.count) frame\(pts.count == 1 ? "" : "s") (0...\(pts.count - 1))")
                }
                return n
            }
        case .time(let seconds):
            let reader = try open()
            found = try byPresentationOrder(reader, path: path, pixelLimit: options.pixelLimit) { pts in
                try frameIndex(at: seconds, pts: pts, reader: reader)
            }
        }
        guard let reader = found.reader else { throw MediaError.decodeFailed(path: path, detail: "no reader decoded the frame") }
        return try found.finish(reader: reader, pixelLimit: options.pixelLimit)
    }

    /// Extracts the selected frame and writes it as an image whose type follows the extension of `output`.
    ///
    /// The output extension is checked before any decoding; the file is written to a temporary
    /// name in the same folder and renamed when complete, so a failure leaves no output behind.
    /// - Returns: the extracted frame (its `image` is what was written).
    @discardableResult
    public static func extractToFile(
        from path: String, _ selector: FrameSelector, to output: String, options: FrameOptions = .init()
    ) throws -> ExtractedFrame {
        let format = try ImageFormat(path: output)
        try ImageFile.checkQuality(options.quality, path: output)
        let frame = try extract(from: path, selector, options: options)
        try ImageFile.write(frame.image, to: output, format: format, quality: options.quality)
        return frame
    }

    // MARK: - Selectors

    /// The first frame the decoder outputs from the start of the file.
    static func first(_ reader: VideoReader) throws -> FoundFrame {
        let kept = Frame()
        var got = false
        try reader.decode { frame in
            kept.take(from: frame)
            got = true
            return false
        }
        guard got else { throw MediaError.decodeFailed(path: reader.path, detail: "no video frame could be decoded") }
        if kept.isCorrupt {
            throw MediaError.unconfirmedFrame(path: reader.path, detail: "the decoder reported errors in the first frame")
        }
        return FoundFrame(frame: kept, index: 0, seeks: 0)
    }

    /// The displayed-frame index for `--at seconds`: the last frame with pts <= first pts + seconds.
    static func frameIndex(at seconds: Double, pts: [Int64], reader: VideoReader) throws -> Int {
        let tb = reader.timeBase
        let ticks = Int64((seconds * Double(tb.den) / Double(tb.num) + 1e-6).rounded(.down))
        let target = pts[0] + ticks
        let end = reader.lastEnd ?? (pts[pts.count - 1] + 1)
        let duration = Double(end - pts[0]) * Double(tb.num) / Double(tb.den)
        if target >= end {
            throw MediaError.frameOutOfRange(
                path: reader.path, detail: "time \(seconds) s is past the end of the video (duration \(duration) s)")
        }
        var lo = 0
        var hi = pts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if pts[mid] <= target { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Learns every displayed pts by demuxing, picks one with `choose`, then seeks and decodes to it.
    static func byPresentationOrder(
        _ reader: VideoReader, path: String, pixelLimit: Int, choose: ([Int64]) throws -> Int
    ) throws -> FoundFrame {
        var pts: [Int64] = []
        var hasMissingPts = false
        var end: Int64? = nil
        try reader.demux { p in
            guard !p.isDiscarded else { return }
            if p.pts == cff_AV_NOPTS_VALUE {
                hasMissingPts = true
                return
            }
            pts.append(p.pts)
            if p.duration > 0 { end = max(end ?? Int64.min, p.pts + p.duration) }
        }
        if pts.isEmpty && !hasMissingPts {
            throw MediaError.decodeFailed(path: path, detail: "the video stream has no frames")
        }
        pts.sort()
        let fresh = try VideoReader(path: path, pixelLimit: pixelLimit)
        reader.lastEnd = end
        if hasMissingPts {
            // Timestamps are unknown: count decoder output from the start instead.
            var count = 0
            try fresh.decode { _ in
                count += 1
                return true
            }
            let wanted = try choose((0..<count).map { Int64($0) })
            let again = try VideoReader(path: path, pixelLimit: pixelLimit)
            let kept = Frame()
            var n = 0
            try again.decode { frame in
                if n == wanted {
                    kept.take(from: frame)
                    return false
                }
                n += 1
                return true
            }
            var found = FoundFrame(frame: kept, index: wanted, seeks: 0)
            found.reader = again
            return found
        }
        let wanted = try choose(pts)
        let target = pts[wanted]
        var seeks = 0
        if wanted > 0 {
            try fresh.seek(to: target)
            seeks = 1
        }
        if let frame = try decode(fresh, to: target) {
            var found = FoundFrame(frame: frame, index: wanted, seeks: seeks)
            found.reader = fresh
            return found
        }
        // The seek landed after the frame (or the demuxer could not seek): decode from the start.
        let again = try VideoReader(path: path, pixelLimit: pixelLimit)
        guard let frame = try decode(again, to: target) else {
            throw MediaError.unconfirmedFrame(path: path, detail: "no decoded frame has pts \(target)")
        }
        var found = FoundFrame(frame: frame, index: wanted, seeks: seeks)
        found.reader = again
        return found
    }

    /// Decodes forward until a frame with exactly `target` comes out; nil if a later frame or the end comes first.
    static func decode(_ reader: VideoReader, to target: Int64) throws -> Frame? {
        let kept = Frame()
        var got = false
        try reader.decode { frame in
            let t = frame.timestamp
            if t == target {
                kept.take(from: frame)
                got = true
                return false
            }
            return t < target || t == cff_AV_NOPTS_VALUE
        }
        if got && kept.isCorrupt {
            throw MediaError.unconfirmedFrame(path: reader.path, detail: "the decoder reported errors in the frame at pts \(target)")
        }
        return got ? kept : nil
    }
}
