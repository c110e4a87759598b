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

    /// The last displayed frame (research/ffmpeg.md §1.3). The tail is first decoded with frame threads
    /// (`lastQuick`); when that result cannot be confirmed it is searched again without them (`last`), where
    /// FFmpeg reports every decode error.
    static func lastFrame(path: String, pixelLimit: Int) throws -> FoundFrame {
        let quick = try VideoReader(path: path, pixelLimit: pixelLimit, frameThreads: true)
        let tail = try TailIndex(quick)
        var attempts = 0
        for skipNonReference in [true, false] {
            attempts += 1
            switch try lastQuick(quick, tail: tail, skipNonReference: skipNonReference) {
            case .found(var found):
                found.reader = quick
                found.seeks = attempts
                return found
            case .missedTarget where skipNonReference:
                // The last displayed frame is a non-reference frame: decode every frame of the tail.
                continue
            case .missedTarget, .unconfirmed:
                break
            }
            break
        }
        let reader = try VideoReader(path: path, pixelLimit: pixelLimit)
        var found = try last(reader, tail: tail)
        if found.reader == nil { found.reader = reader }
        found.seeks += attempts
        return found
    }

    /// How a quick pass over the tail ended.
    enum QuickOutcome {
        /// The last displayed frame, confirmed.
        case found(FoundFrame)
        /// The tail decoded cleanly, but not up to the frame the packets promise.
        case missedTarget
        /// Errors, or a seek that failed: only a pass without frame threads can tell what is wrong.
        case unconfirmed
    }

    /// What the index says about the end of the video stream.
    struct TailIndex {
        /// Keyframe timestamps, ascending.
        var keys: [Int64]
        /// The displayed index of the last frame, when the index is exact (MOV/MP4).
        var lastIndex: Int?

        /// Fails with `truncated` when index entries lie past the end of the file.
        init(_ reader: VideoReader) throws {
            let entries = reader.container.indexEntries(stream: reader.streamIndex)
            let fileSize = reader.container.fileSize
            let missing = entries.filter { $0.pos + Int64($0.size) > fileSize }.count
            if missing > 0 {
                throw MediaError.truncated(
                    path: reader.path, detail: "\(missing) of \(entries.count) video samples lie past the end of the file (\(fileSize) bytes)")
            }
            keys = Array(Set(entries.filter { $0.isKeyframe }.map(\.timestamp))).sorted()
            if reader.container.formatName.hasPrefix("mov,"), !entries.isEmpty, Int64(entries.count) == reader.stream.pointee.nb_frames {
                lastIndex = entries.filter { !$0.isDiscarded }.count - 1
            }
        }
    }

    /// One pass over the packets from the current position to the end.
    struct TailPass {
        /// The decoded frame with the greatest timestamp, and that timestamp (`Int64.min` if none).
        var best = Frame()
        var bestTs = Int64.min
        /// The greatest pts among the packets read, and that packet's duration.
        var targetPts = Int64.min
        var lastDuration: Int64 = 0
        /// The decode timestamp of the first packet read.
        var firstDts: Int64? = nil
        var sawPacket = false

        /// Whether the kept frame is the last one the packets promise.
        var reachedTarget: Bool { bestTs != Int64.min && bestTs == targetPts }
    }

    /// Decodes from the current position to the end, keeping the frame with the greatest timestamp.
    static func decodeTail(_ reader: VideoReader) throws -> TailPass {
        var pass = TailPass()
        try reader.decode(
            onPacket: { p in
                pass.sawPacket = true
                if pass.firstDts == nil { pass.firstDts = p.dts != cff_AV_NOPTS_VALUE ? p.dts : p.pts }
                if !p.isDiscarded, p.pts != cff_AV_NOPTS_VALUE, p.pts >= pass.targetPts {
                    pass.targetPts = p.pts
                    pass.lastDuration = p.duration
                }
            },
            onFrame: { frame in
                let t = frame.timestamp
                if t != cff_AV_NOPTS_VALUE, t >= pass.bestTs {
                    pass.bestTs = t
                    pass.best.take(from: frame)
                }
                return true
            })
        return pass
    }

    /// The quick path for the last frame: one seek to the last keyframe and the tail decoded with frame threads
    /// (non-reference frames skipped when asked). The frame is accepted only when its pts is the greatest pts
    /// among the packets, the decoder returned no error, flagged nothing and logged no error from any thread.
    static func lastQuick(_ reader: VideoReader, tail: TailIndex, skipNonReference: Bool) throws -> QuickOutcome {
        guard let target = endTimestamp(reader) ?? tail.keys.last, (try? reader.seek(to: target)) != nil else { return .unconfirmed }
        reader.decoder.context.pointee.skip_frame = skipNonReference ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
        let errorsBefore = reader.decoder.errorMessageCount
        let pass: TailPass
        do {
            pass = try decodeTail(reader)
        } catch is MediaError {
            return .unconfirmed
        }
        guard reader.decoder.errorMessageCount == errorsBefore, !pass.best.isCorrupt else { return .unconfirmed }
        guard pass.reachedTarget else { return pass.bestTs == Int64.min ? .unconfirmed : .missedTarget }
        try checkEnd(reader, lastPts: pass.bestTs, lastDuration: pass.lastDuration)
        return .found(FoundFrame(frame: pass.best, index: tail.lastIndex, seeks: 1))
    }

    /// The last displayed frame without frame threads (research/ffmpeg.md §1.3): seek to the last keyframe
    /// and decode to the end, first skipping non-reference frames, then decoding all; step back one index
    /// keyframe at a time when nothing comes out; decode the whole stream as a last resort.
    static func last(_ reader: VideoReader, tail: TailIndex) throws -> FoundFrame {
        let path = reader.path
        let keys = tail.keys
        var seekTarget = endTimestamp(reader) ?? keys.last
        var seeks = 0
        var steps = 0
        // Fast path (research §1.3): skip non-reference frames on the first pass. The result is
        // accepted only if it is the frame the packets promise; otherwise the same seek is redone
        // decoding every frame.
        var skipNonReference = true
        while steps < maxKeyframeAttempts {
            guard let ts = seekTarget else { break }
            // A demuxer that cannot seek (a still image, a pipe) is decoded from its start below.
            guard (try? reader.seek(to: ts)) != nil else { break }
            seeks += 1
            reader.decoder.context.pointee.skip_frame = skipNonReference ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
            let pass = try decodeTail(reader)
            if skipNonReference {
                skipNonReference = false
                if pass.reachedTarget, !pass.best.isCorrupt {
                    try checkEnd(reader, lastPts: pass.bestTs, lastDuration: pass.lastDuration)
                    return FoundFrame(frame: pass.best, index: tail.lastIndex, seeks: seeks)
                }
                continue
            }
            if pass.bestTs != Int64.min {
                try confirm(pass.best, timestamp: pass.bestTs, target: pass.targetPts, path: path)
                try checkEnd(reader, lastPts: pass.bestTs, lastDuration: pass.lastDuration)
                return FoundFrame(frame: pass.best, index: tail.lastIndex, seeks: seeks)
            }
            steps += 1
            // Nothing came out: step back one keyframe (from the index) before where this attempt started.
            guard pass.sawPacket, let start = pass.firstDts, let earlier = keys.last(where: { $0 < start }) else {
                seekTarget = nil
                break
            }
            seekTarget = earlier
        }
        // No usable index or nothing decoded after the seeks: decode the whole stream from its start.
        let fresh = try VideoReader(path: path, pixelLimit: reader.pixelLimit)
        var targetPts = Int64.min
        var lastDuration: Int64 = 0
        var count = 0
        let best = Frame()
        var bestTs = Int64.min
        try fresh.decode(
            onPacket: { p in
                if !p.isDiscarded, p.pts != cff_AV_NOPTS_VALUE, p.pts >= targetPts {
                    targetPts = p.pts
                    lastDuration = p.duration
                }
            },
            onFrame: { frame in
                count += 1
                let t = frame.timestamp
                if t == cff_AV_NOPTS_VALUE || t >= bestTs {
                    bestTs = t
                    best.take(from: frame)
                }
                return true
            })
        guard count > 0 else { throw MediaError.decodeFailed(path: path, detail: "no video frame could be decoded") }
        if targetPts != Int64.min {
            try confirm(best, timestamp: bestTs, target: targetPts, path: path)
            try checkEnd(fresh, lastPts: bestTs, lastDuration: lastDuration)
        }
        var found = FoundFrame(frame: best, index: count - 1, seeks: seeks)
        found.reader = fresh
        return found
    }

    /// Checks that the kept frame is the last one the packets promise, and that it decoded cleanly.
    static func confirm(_ frame: Frame, timestamp: Int64, target: Int64, path: String) throws {
        if target != Int64.min, timestamp != target {
            throw MediaError.unconfirmedFrame(
                path: path, detail: "the last decoded frame has pts \(timestamp) but the last packet has pts \(target)")
        }
        if frame.isCorrupt {
            throw MediaError.unconfirmedFrame(path: path, detail: "the decoder reported errors in the last frame")
        }
    }

    /// Fails with `truncated` when the video data ends well before the duration the file declares for
    /// the video stream (a cut-off Matroska/WebM file keeps its header's per-track DURATION tag).
    /// MOV/MP4 are checked against their sample index instead (see `last`).
    static func checkEnd(_ reader: VideoReader, lastPts: Int64, lastDuration: Int64) throws {
        guard !reader.container.formatName.hasPrefix("mov,"), let declared = declaredDuration(reader) else { return }
        let tb = reader.timeBase
        let st = reader.stream.pointee
        let start = Double(st.start_time != cff_AV_NOPTS_VALUE ? st.start_time : 0) * Double(tb.num) / Double(tb.den)
        let frame = Double(max(lastDuration, 0)) * Double(tb.num) / Double(tb.den)
        let end = Double(lastPts) * Double(tb.num) / Double(tb.den) + frame
        let shortfall = start + declared - end
        if shortfall > max(0.25, 2 * frame) {
            throw MediaError.truncated(
                path: reader.path,
                detail: "the video stream is declared to last \(declared) s but its data ends at \(end - start) s")
        }
    }

    /// The video stream's own declared duration in seconds: `AVStream.duration`, else a Matroska
    /// `DURATION` tag ("HH:MM:SS.nnnnnnnnn"). Nil when only the container's (longest track) duration is known.
    static func declaredDuration(_ reader: VideoReader) -> Double? {
        let st = reader.stream.pointee
        if st.duration != cff_AV_NOPTS_VALUE, st.duration > 0 {
            return Double(st.duration) * Double(st.time_base.num) / Double(st.time_base.den)
        }
        guard let entry = av_dict_get(st.metadata, "DURATION", nil, 0), let text = ffString(entry.pointee.value) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let sec = Double(parts[2]) else { return nil }
        return h * 3600 + m * 60 + sec
    }

    /// Where the video stream ends, in its time base (edit-list aware for MOV/MP4), or nil if unknown.
    static func endTimestamp(_ reader: VideoReader) -> Int64? {
        let st = reader.stream.pointee
        if st.duration != cff_AV_NOPTS_VALUE, st.duration > 0 {
            let start = st.start_time != cff_AV_NOPTS_VALUE ? st.start_time : 0
            return start + st.duration
        }
        let fmt = reader.container.context.pointee
        if fmt.duration != cff_AV_NOPTS_VALUE, fmt.duration > 0 {
            let start = fmt.start_time != cff_AV_NOPTS_VALUE ? fmt.start_time : 0
            return av_rescale_q(start + fmt.duration, cff_time_base_q(), st.time_base)
        }
        return nil
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

/// A decoded frame chosen by a selector, before conversion.
struct FoundFrame {
    var frame: Frame
    var index: Int?
    var seeks: Int
    /// The reader that decoded the frame when it is not the one the search started with.
    var reader: VideoReader? = nil

    /// Converts the frame to an upright RGB(A) picture at display size.
    func finish(reader: VideoReader, pixelLimit: Int) throws -> ExtractedFrame {
        let picture = try PictureConverter.convert(frame, stream: reader.stream, path: reader.path, pixelLimit: pixelLimit)
        let tb = reader.timeBase
        let pts = frame.timestamp
        return ExtractedFrame(
            image: picture.image, path: reader.path, index: index, pts: pts, timeBase: Rational(tb),
            time: seconds(pts, tb) ?? 0, codedWidth: frame.width, codedHeight: frame.height,
            pixelFormat: ffString(av_get_pix_fmt_name(frame.pixelFormat)) ?? "unknown", rotation: picture.rotation,
            keyframeSeekAttempts: seeks, decodedFrames: reader.decodedFrames)
    }
}
