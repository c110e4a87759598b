import CFFmpeg
import Foundation

/// One GOP of a segment re-encoded on a worker thread (a cut at a segment's head or tail, `drop-first`'s first
/// frame, or every GOP of a colour-corrected segment), so that the other re-encoded GOPs are encoded at the same
/// time while the calling thread copies and writes.
///
/// The job opens its own demuxer on the segment, finds the GOP's keyframe and reads only the video packets up to
/// the next keyframe; the calling thread skips the same packets and writes the job's packets in their place.
/// Only the encoded packets (compressed) are kept; frames go to libx264 as they come out of the decoder, the
/// dropped ones left out and each kept one colour-corrected first when the cut says so. The decoder, and the
/// encoder of all but the last job, run single-threaded: the parallelism is across jobs (one per core), which
/// saves libx264's per-GOP frame-thread ramp-up and drain, and the memory of its frame threads.
final class GOPJob: @unchecked Sendable {
    /// What the job produced.
    struct Result {
        /// The encoded packets in decode order, pts (source time base, absolute) and durations set, dts unset.
        var packets: [Packet]
        /// Video packets of the source GOP (the calling thread must have skipped as many).
        var packetCount: Int
        /// The pts of every kept (encoded) frame, in display order, and of the first decoded frame after them
        /// (nil when the GOP's last frame is kept).
        var keptPts: [Int64]
        var nextPts: Int64?
    }

    let path: String
    /// The GOP's index in the segment, the displayed index of its first frame and the frames kept.
    let gop: Int
    private let firstFrame: Int
    private let keep: Range<Int>
    private let cut: SegmentCut
    /// The decode timestamp of the GOP's keyframe, and of the one before (where the demuxer is sent).
    private let keyDts: Int64
    private let seekDts: Int64?
    private let encoder: SpliceEncoder
    private let encoderThreads: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false
    // Written by the worker before `finished` is signalled, read after.
    private var outcome: Result?
    private var failure: (any Error)?

    /// - Parameter encoderThreads: libx264 threads: 1 while other jobs run alongside, 0 (its own choice) for
    ///   the last job, which ends up running alone.
    init(fact: SegmentFacts, cut: SegmentCut, gop: Int, keep: Range<Int>, encoder: SpliceEncoder, encoderThreads: Int32 = 1) {
        path = fact.path
        self.gop = gop
        self.cut = cut
        self.keep = keep
        firstFrame = cut.frames(ofGOP: gop).lowerBound
        keyDts = gop < fact.keyframeDts.count ? fact.keyframeDts[gop] : 0
        seekDts = gop > 0 && gop - 1 < fact.keyframeDts.count ? fact.keyframeDts[gop - 1] : nil
        self.encoder = encoder
        self.encoderThreads = encoderThreads
    }

    /// Starts the work on a new thread (not a pooled one: a finished thread's malloc arena, holding what libx264
    /// freed, is handed to the next new thread instead of every pool thread keeping its own).
    func start() {
        Thread { [self] in
            do {
                outcome = try run()
            } catch {
                failure = error
            }
            finished.signal()
        }.start()
    }

    /// Asks the worker to stop at the next packet or frame (its result is then never used).
    func cancel() { lock.withLock { cancelled = true } }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// Waits for the job and returns its result.
    /// - Throws: the job's `MediaError` (naming the segment).
    func wait() throws -> Result {
        finished.wait()
        finished.signal()
        if let failure { throw failure }
        guard let outcome else { throw MediaError.encodeFailed(path: path, detail: "the re-encoded GOP's job was cancelled") }
        return outcome
    }

    private func run() throws -> Result? {
        let seg = try ConcatSegment(path: path)
        let packet = Packet()
        guard try seg.seekToKeyframe(dts: keyDts, from: seekDts, into: packet) else {
            throw MediaError.decodeFailed(path: path, detail: "GOP \(gop + 1) was not found on the second read")
        }
        let tb = seg.timeBase
        var out: [Packet] = []
        var frames = 0
        var keptPts: [Int64] = []
        var nextPts: Int64?
        var session: SpliceEncoder.Session?
        let corrector = cut.colour.map { FrameColourCorrector($0) }
        let decoder = try GOPDecoder(segment: seg, part: "GOP \(gop + 1)", threads: 1) { [self] f in
            let index = firstFrame + frames
            frames += 1
            guard keep.contains(index) else {
                if index >= keep.upperBound && nextPts == nil { nextPts = f.pts }
                return
            }
            if isCancelled { throw Stopped() }
            keptPts.append(f.pts)
            if let corrector {
                try ffCheck(av_frame_make_writable(f.pointer), "av_frame_make_writable", path: path)
                try corrector.apply(to: f, progress: cut.progress(ofFrame: index), path: path)
            }
            if session == nil { session = try encoder.begin(threads: encoderThreads) }
            try session?.send(f, pts: av_rescale_q(f.pts, tb, encoder.timeBase)) { out.append($0) }
        }
        var gopEnd = seg.endPts
        try decoder.add(packet)
        while try seg.container.read(into: packet) {
            if isCancelled { return nil }
            guard packet.streamIndex == seg.videoIndex else { continue }
            if packet.isKeyframe {
                gopEnd = packet.pts
                break
            }
            try decoder.add(packet)
        }
        try decoder.finish()
        guard keptPts.count == keep.count, let firstKept = keptPts.first else {
            throw MediaError.decodeFailed(
                path: path, detail: "GOP \(gop + 1) decoded to \(frames) frames, \(keptPts.count) of the \(keep.count) to keep")
        }
        try session?.finish { out.append($0) }
        // Each packet lasts until the next kept frame (the last one until the first dropped frame or the GOP's end).
        let ends = Array(keptPts.dropFirst()) + [nextPts ?? gopEnd]
        let duration = Dictionary(zip(keptPts, ends.enumerated().map { $1 - keptPts[$0] }), uniquingKeysWith: { a, _ in a })
        let typical = max(1, (ends.last ?? firstKept) - (keptPts.last ?? firstKept))
        for p in out {
            let pts = av_rescale_q(p.pts, encoder.timeBase, tb)
            p.pointer.pointee.pts = pts
            p.pointer.pointee.duration = max(1, duration[pts] ?? typical)
        }
        return Result(packets: out, packetCount: decoder.packetCount, keptPts: keptPts, nextPts: nextPts)
    }

    private struct Stopped: Error {}
}
