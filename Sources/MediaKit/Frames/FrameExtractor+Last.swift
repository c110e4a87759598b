import CFFmpeg

extension FrameExtractor {

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
        /// The decoded frame with the greatest timestamp (frames without one are left out).
        var best = LatestFrame(untimedIsLater: false)
        /// The last frame the packets read promise.
        var target = LastPacket()
        /// The decode timestamp of the first packet read.
        var firstDts: Int64? = nil
        var sawPacket = false

        /// Whether the kept frame is the last one the packets promise.
        var reachedTarget: Bool { best.kept && best.timestamp == target.pts }
    }

    /// Decodes from the current position to the end, keeping the frame with the greatest timestamp.
    static func decodeTail(_ reader: VideoReader) throws -> TailPass {
        var pass = TailPass()
        try reader.decode(
            onPacket: { p in
                pass.sawPacket = true
                if pass.firstDts == nil { pass.firstDts = p.dts != cff_AV_NOPTS_VALUE ? p.dts : p.pts }
                pass.target.note(p)
            },
            onFrame: { frame in
                pass.best.offer(frame)
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
        guard reader.decoder.errorMessageCount == errorsBefore, !pass.best.frame.isCorrupt else { return .unconfirmed }
        guard pass.reachedTarget else { return pass.best.kept ? .missedTarget : .unconfirmed }
        try checkEnd(reader, lastPts: pass.best.timestamp, lastDuration: pass.target.duration)
        return .found(FoundFrame(frame: pass.best.frame, index: tail.lastIndex, seeks: 1))
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
                if pass.reachedTarget, !pass.best.frame.isCorrupt {
                    try checkEnd(reader, lastPts: pass.best.timestamp, lastDuration: pass.target.duration)
                    return FoundFrame(frame: pass.best.frame, index: tail.lastIndex, seeks: seeks)
                }
                continue
            }
            if pass.best.kept {
                try confirm(pass.best.frame, timestamp: pass.best.timestamp, target: pass.target.pts, path: path)
                try checkEnd(reader, lastPts: pass.best.timestamp, lastDuration: pass.target.duration)
                return FoundFrame(frame: pass.best.frame, index: tail.lastIndex, seeks: seeks)
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
        var target = LastPacket()
        var latest = LatestFrame(untimedIsLater: true)
        var count = 0
        try fresh.decode(
            onPacket: { target.note($0) },
            onFrame: { frame in
                count += 1
                latest.offer(frame)
                return true
            })
        guard count > 0 else { throw MediaError.decodeFailed(path: path, detail: "no video frame could be decoded") }
        if target.pts != Int64.min {
            try confirm(latest.frame, timestamp: latest.timestamp, target: target.pts, path: path)
            try checkEnd(fresh, lastPts: latest.timestamp, lastDuration: target.duration)
        }
        var found = FoundFrame(frame: latest.frame, index: count - 1, seeks: seeks)
        found.reader = fresh
        return found
    }

    /// Checks that the kept frame is the last one the packets promise, and that it decoded cleanly.
}
