import CFFmpeg

/// One segment of a `CopyAssembler` run: its packets read once, the video copied with its timestamp offset
/// except the GOPs its `SegmentCut` leaves out (skipped) or re-encodes (taken from their `GOPJob`s) and, under
/// crossfade, the first and last GOPs (decoded here), its audio decoded and handed to the AAC worker.
final class SegmentCopyPass {
    private let assembler: CopyAssembler
    private let k: Int
    private let fact: SegmentFacts
    private let seg: ConcatSegment
    private let writer: ConcatVideoWriter
    private let audioEncoder: ConcatAudioEncoder?
    private let segAudio: SegmentAudio?
    private let tb: AVRational
    private let outTB: AVRational
    private let isLast: Bool
    private let cut: SegmentCut
    /// Copied packets: the whole segment is raised when its first DTS would not follow the last one.
    private var base: Int64?
    /// Ticks (source time base) the copied packets move back by (the dropped head frames).
    private var dropTicks: Int64 = 0
    /// Where the last kept frame ends (source time base).
    private var keptEnd: Int64
    private var reencoded = 0
    private var framesOut: Int
    /// Output time base, from the segment's first video DTS.
    private var delay: Int64?
    /// The GOP being re-encoded in this segment (the head's, or the tail's).
    private var seamGOP: SeamGOP?
    private var headFrames = 0
    private var firstFramePts: Int64 = 0
    private var kept: [(frame: Frame, pts: Int64)] = []
    private var head: GOPDecoder?
    private var tail: GOPDecoder?
    /// The GOP being read (its index and video packets so far), what the cut does with it, and its job.
    private var gop = -1
    private var gopPackets = 0
    private var treatment = SegmentCut.Treatment.copy
    private var job: GOPJob?

    init(assembler: CopyAssembler, index k: Int, segment seg: ConcatSegment, writer: ConcatVideoWriter, audioEncoder: ConcatAudioEncoder?) throws {
        self.assembler = assembler
        self.k = k
        self.seg = seg
        self.writer = writer
        self.audioEncoder = audioEncoder
        fact = assembler.input.facts[k]
        try seg.rewind()
        tb = seg.timeBase
        outTB = writer.timeBase
        let videoStart = Double(seg.startPts) * Double(tb.num) / Double(tb.den)
        segAudio = try assembler.input.audio.map {
            try SegmentAudio(segment: seg, sampleRate: $0.rate, channels: $0.channels, videoStart: videoStart)
        }
        isLast = k == assembler.input.facts.count - 1
        base = assembler.gop != nil ? assembler.offset : nil
        cut = assembler.input.cuts[k]
        framesOut = cut.kept.count
        keptEnd = seg.endPts
        if cut.kept.isEmpty { dropTicks = seg.endPts - seg.startPts }
        // The first GOP is decoded here only for crossfade (the cuts' GOPs have jobs).
        if assembler.gop != nil && k > 0 && assembler.input.blend > 0 {
            head = try GOPDecoder(segment: seg, part: "first GOP") { [unowned self] in try headFrame($0) }
        }
    }

    /// Reads the whole segment, writes its video, queues its audio and moves the assembler's offset on.
    func run() throws -> ConcatReport.Segment {
        let packet = Packet()
        while try seg.container.read(into: packet) {
            if packet.streamIndex == seg.audioIndex {
                try segAudio?.decode(packet)
                continue
            }
            guard packet.streamIndex == seg.videoIndex else { continue }
            if delay == nil {
                let firstDts = packet.dts == cff_AV_NOPTS_VALUE ? 0 : packet.dts
                delay = av_rescale_q(max(0, seg.startPts - firstDts), tb, outTB)
            }
            if packet.isKeyframe && (gop < 0 || gopPackets > 0) { try beginGOP(packet) }
            gopPackets += 1
            if treatment == .copy { try video(packet) }
        }
        try endGOP()
        if let head, !head.done { try finishHead(head) }
        if let tail { try finishTail(tail) }
        try segAudio?.decode(nil)
        let segStart = base ?? assembler.offset
        let segEnd = segStart + av_rescale_q(keptEnd - seg.startPts - dropTicks, tb, outTB)
        try queueAudio(until: segEnd)
        assembler.offset = segEnd
        return report()
    }

    /// A video packet after the job's GOP: decoded into the head or tail GOP, or copied.
    private func video(_ packet: Packet) throws {
        if let head, !head.done {
            if !(packet.isKeyframe && head.packetCount > 0) { return try head.add(packet) }
            try finishHead(head)
        }
        if assembler.input.blend > 0 && !isLast && tail == nil && packet.isKeyframe && packet.dts == seg.lastKeyframeDts {
            tail = try GOPDecoder(segment: seg, part: "last GOP") { [unowned self] in try tailFrame($0) }
        }
        if let tail { return try tail.add(packet) }
        let p = packet.pointer
        let pts = av_rescale_q(p.pointee.pts - seg.startPts - dropTicks, tb, outTB)
        let dts = av_rescale_q(p.pointee.dts - seg.startPts - dropTicks, tb, outTB)
        p.pointee.duration = av_rescale_q(p.pointee.duration, tb, outTB)
        let offset = assembler.offset
        let lastDts = writer.lastDecodeTime
        let raise = base ?? (offset + dts <= lastDts ? lastDts + 1 - dts : offset)
        base = raise
        try writer.write(packet, pts: pts + raise, dts: dts + raise, path: seg.path)
    }

    /// A frame of the first GOP, in display order: dropped, blended with the previous tail or encoded.
    private func headFrame(_ f: Frame) throws {
        let i = headFrames
        headFrames += 1
        if i == 0 { firstFramePts = f.pts }
        let blend = assembler.input.blend
        if i < assembler.headDrop {
            guard blend > 0, let tail = assembler.pending else { return }
            let mixed = try Blend.mix(tail.frames[i], f, weight: Double(i + 1) / Double(blend + 1), path: assembler.input.displayPath)
            return try tail.gop.encode(mixed, outputPts: tail.outputPts[i], to: writer)
        }
        if i == assembler.headDrop { dropTicks = f.pts - firstFramePts }
        let gop = try seamGOP ?? assembler.pending?.gop ?? assembler.beginGOP(delay: delay ?? 0, path: seg.path)
        seamGOP = gop
        try gop.encode(f, outputPts: assembler.offset + av_rescale_q(f.pts - seg.startPts - dropTicks, tb, outTB), to: writer)
    }

    /// A frame of the last GOP: all but the last `blend` are encoded at once.
    private func tailFrame(_ f: Frame) throws {
        let keep = Frame()
        av_frame_move_ref(keep.pointer, f.pointer)
        kept.append((keep, (base ?? assembler.offset) + av_rescale_q(keep.pts - seg.startPts - dropTicks, tb, outTB)))
        guard kept.count > assembler.input.blend else { return }
        let (frame, pts) = kept.removeFirst()
        let gop = try seamGOP ?? assembler.beginGOP(delay: delay ?? 0, path: seg.path)
        seamGOP = gop
        try gop.encode(frame, outputPts: pts, to: writer)
    }

    private func finishHead(_ head: GOPDecoder) throws {
        try head.finish()
        guard headFrames > assembler.headDrop else {
            throw MediaError.decodeFailed(path: seg.path, detail: "the first GOP has only \(headFrames) frames")
        }
        if assembler.pending != nil && seamGOP == nil { seamGOP = assembler.pending?.gop }
        assembler.pending = nil
        try seamGOP?.finish(to: writer)
        seamGOP = nil
        reencoded = headFrames - assembler.headDrop
        framesOut = fact.frameCount - assembler.headDrop
    }

    /// A keyframe: the GOP before it is finished, the new one's treatment looked up (and its job taken).
    private func beginGOP(_ packet: Packet) throws {
        try endGOP()
        gop += 1
        gopPackets = 0
        guard gop < cut.gopStarts.count else {
            throw MediaError.decodeFailed(path: seg.path, detail: "the video has more keyframes than its index says")
        }
        treatment = cut.treatment(ofGOP: gop)
        let start = cut.frames(ofGOP: gop).lowerBound
        // A closed GOP's keyframe is its first displayed frame: a cut on a GOP boundary needs no decoding.
        if cut.tail > 0 && start == cut.kept.upperBound { keptEnd = packet.pts }
        if cut.head > 0 && start == cut.head && treatment == .copy { dropTicks = packet.pts - seg.startPts }
        if case .reencode = treatment { job = try assembler.takeJob(segment: k, gop: gop, path: seg.path) }
    }

    /// Writes the re-encoded GOP's packets in place of the skipped ones.
    private func endGOP() throws {
        guard let job else { return }
        self.job = nil
        let result = try job.wait()
        guard result.packetCount == gopPackets else {
            throw MediaError.decodeFailed(path: seg.path, detail: "GOP \(gop + 1) read differently on the second pass")
        }
        if cut.head > 0 && cut.frames(ofGOP: gop).contains(cut.head), let first = result.keptPts.first { dropTicks = first - seg.startPts }
        if cut.tail > 0, let next = result.nextPts { keptEnd = next }
        let offset = assembler.offset
        for p in result.packets {
            let pts = offset + av_rescale_q(p.pts - seg.startPts - dropTicks, tb, outTB)
            p.pointer.pointee.duration = max(1, av_rescale_q(p.duration, tb, outTB))
            try writer.write(p, pts: pts, dts: pts - (delay ?? 0), path: seg.path)
        }
        reencoded += result.keptPts.count
    }

    /// The span of the segment's source the output keeps, in seconds from its first displayed frame: from the
    /// first kept frame to the end of the last kept one (final once `run` has read the segment).
    var keptSpan: (from: Double, to: Double) {
        let tick = Double(tb.num) / Double(tb.den)
        return (Double(dropTicks) * tick, Double(keptEnd - seg.startPts) * tick)
    }

    /// Leaves the last GOP's last frames pending for the next segment's first ones.
    private func finishTail(_ tail: GOPDecoder) throws {
        try tail.finish()
        guard kept.count == assembler.input.blend else {
            throw MediaError.decodeFailed(path: seg.path, detail: "the last GOP has only \(tail.frameCount) frames")
        }
        let gop = try seamGOP ?? assembler.beginGOP(delay: delay ?? 0, path: seg.path)
        assembler.pending = PendingTail(gop: gop, frames: kept.map(\.frame), outputPts: kept.map(\.pts))
        kept = []
        seamGOP = nil
        reencoded += tail.frameCount
    }

    /// Queues the segment's audio up to `segEnd` (output time base) for the AAC worker.
    private func queueAudio(until segEnd: Int64) throws {
        guard let audioEncoder, let segAudio else { return }
        let rate = AVRational(num: 1, den: Int32(audioEncoder.sampleRate))
        let end = Int(av_rescale_q(segEnd, outTB, rate))
        let count = max(0, end - assembler.totalSamples)
        let skip = Int(av_rescale_q(dropTicks, tb, rate))
        try audioEncoder.append(segAudio.samples(skip: skip, count: count))
        assembler.totalSamples += count
    }

    private func report() -> ConcatReport.Segment {
        var reason: String?
        if cut.colour != nil {
            reason = "colour-corrected: every GOP re-encoded (\(reencoded) frames) between the other segments' copied GOPs"
        } else if cut.isEdited {
            reason = "\(cut.head) head and \(cut.tail) tail frames dropped, the GOPs cut re-encoded (\(reencoded) frames), the rest copied"
        } else if reencoded > 0 {
            switch assembler.input.seam {
            case .dropFirst: reason = "first GOP re-encoded without its first frame (\(reencoded) frames), the rest copied"
            default: reason = "GOPs at the seams re-encoded (\(reencoded) frames, \(assembler.input.blend) blended per seam), the rest copied"
            }
        }
        return ConcatReport.Segment(
            path: fact.path, video: cut.colour == nil ? "copied" : "reencoded", reason: reason, framesIn: fact.frameCount,
            framesOut: framesOut, reencodedFrames: reencoded, videoDuration: fact.duration, hasAudio: fact.hasAudio,
            droppedHead: cut.head, droppedTail: cut.tail, colour: cut.colour)
    }
}
