import CFFmpeg
import Foundation

/// The first GOP of a later segment re-encoded without its first frame (`drop-first`), on a worker thread, so
/// that the next seams are encoded while the calling thread copies and writes.
///
/// The job opens its own demuxer on the segment and reads only the video packets up to the second keyframe;
/// the calling thread skips the same packets and writes the job's packets in their place. Only the encoded
/// packets (compressed) are kept; frames go to libx264 as they come out of the decoder. The decoder, and the
/// encoder of all but the last job, run single-threaded: the parallelism is across jobs (one per core), which
/// saves libx264's per-GOP frame-thread ramp-up and drain, and the memory of its frame threads.
final class HeadGOPJob: @unchecked Sendable {
    /// What the job produced.
    struct Result {
        /// The encoded packets in decode order, pts and dts relative to the segment's output offset (output
        /// time base), durations set.
        var packets: [Packet]
        /// Video packets of the source GOP (the calling thread must have skipped as many).
        var packetCount: Int
        /// Frames decoded (the first is dropped).
        var frames: Int
        /// Ticks (source time base) the segment's copied packets move back by.
        var dropTicks: Int64
        /// The GOP is the whole segment.
        var isWholeSegment: Bool
    }

    let path: String
    private let gop: SpliceEncoder
    private let outputTimeBase: AVRational
    private let encoderThreads: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false
    // Written by the worker before `finished` is signalled, read after.
    private var outcome: Result?
    private var failure: (any Error)?

    /// - Parameter encoderThreads: libx264 threads: 1 while other jobs run alongside, 0 (its own choice) for
    ///   the last job, which ends up running alone.
    init(path: String, gop: SpliceEncoder, outputTimeBase: AVRational, encoderThreads: Int32 = 1) {
        self.path = path
        self.gop = gop
        self.outputTimeBase = outputTimeBase
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
        guard let outcome else { throw MediaError.encodeFailed(path: path, detail: "the seam GOP job was cancelled") }
        return outcome
    }

    private struct Stopped: Error {}

    private func run() throws -> Result? {
        let seg = try ConcatSegment(path: path)
        try seg.rewind()
        seg.container.discardAll(except: [seg.videoIndex])
        let tb = seg.timeBase
        let outTB = outputTimeBase
        var out: [Packet] = []
        var frames = 0
        var firstFramePts: Int64 = 0
        var dropTicks: Int64 = 0
        var session: SpliceEncoder.Session?
        var firstOutputPts: Int64 = 0
        var duration: Int64?
        let decoder = try GOPDecoder(segment: seg, part: "first GOP", threads: 1) { [gop, encoderThreads] f in
            frames += 1
            if frames == 1 {
                firstFramePts = f.pts
                return
            }
            if frames == 2 { dropTicks = f.pts - firstFramePts }
            let pts = av_rescale_q(f.pts - seg.startPts - dropTicks, tb, outTB)
            if session == nil {
                session = try gop.begin(threads: encoderThreads)
                firstOutputPts = pts
            } else if duration == nil {
                duration = pts - firstOutputPts
            }
            try session?.send(f, pts: av_rescale_q(pts, outTB, gop.timeBase)) { out.append($0) }
        }
        let packet = Packet()
        var firstDts: Int64?
        var isWholeSegment = true
        while try seg.container.read(into: packet) {
            if isCancelled { return nil }
            guard packet.streamIndex == seg.videoIndex else { continue }
            if firstDts == nil { firstDts = packet.dts == cff_AV_NOPTS_VALUE ? 0 : packet.dts }
            if packet.isKeyframe && decoder.packetCount > 0 {
                isWholeSegment = false
                break
            }
            try decoder.add(packet)
        }
        try decoder.finish()
        guard frames > 1 || (isWholeSegment && frames == 1) else {
            throw MediaError.decodeFailed(path: path, detail: "the first GOP has only \(frames) frames")
        }
        if frames <= 1 { dropTicks = seg.endPts - seg.startPts }
        try session?.finish { out.append($0) }
        let delay = av_rescale_q(max(0, seg.startPts - (firstDts ?? 0)), tb, outTB)
        for p in out {
            let pts = av_rescale_q(p.pts, gop.timeBase, outTB)
            p.pointer.pointee.pts = pts
            p.pointer.pointee.dts = pts - delay
            p.pointer.pointee.duration = max(1, duration ?? 1)
        }
        return Result(
            packets: out, packetCount: decoder.packetCount, frames: frames, dropTicks: dropTicks, isWholeSegment: isWholeSegment)
    }
}
