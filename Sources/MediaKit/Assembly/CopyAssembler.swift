import CFFmpeg
import Foundation

/// Stream-copies every segment's video with per-segment timestamp offsets; audio through a `ConcatAudioOutput`
/// (AAC packets copied, or re-encoded once).
///
/// With a `SpliceEncoder`, only the GOPs at the seams are re-encoded: for `drop-first` the first GOP of every
/// segment after the first, without its first frame; for `crossfade=N` the last GOP of a segment and the
/// first GOP of the next, as one new GOP in which the last N frames of the one are blended with the first N
/// of the other. Every other GOP is copied bit for bit. Each segment is one `SegmentCopyPass`.
final class CopyAssembler {
    let input: AssemblyInput
    let gop: SpliceEncoder?
    /// Frames of a later segment's first GOP that are not encoded as themselves (dropped or blended).
    let headDrop: Int

    // State carried from one segment to the next.
    /// Where the next segment starts (output time base).
    var offset: Int64 = 0
    /// The crossfade tail waiting for the next segment's first frames.
    var pending: PendingTail?
    /// drop-first: the seam GOPs are encoded by worker jobs, one per core (at most 4), the later ones while
    /// this thread writes the earlier.
    private(set) var jobs: [Int: HeadGOPJob] = [:]
    private var lastLaunched = 0
    private let jobsAhead = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount))

    init(_ input: AssemblyInput, gop: SpliceEncoder? = nil) {
        self.input = input
        self.gop = gop
        headDrop = gop == nil ? 0 : (input.seam == .dropFirst ? 1 : input.blend)
    }

    func run() throws -> ([ConcatReport.Segment], Int, Double, ConcatAudioReport?) {
        let (first, facts, audio) = (input.first, input.facts, input.audio)
        let output = try OutputContainer(path: input.path)
        let videoOut = try output.addStream(copying: first.videoStream)
        if let gop { try output.setExtradata(gop.extradata, stream: videoOut) }
        let audioTrack = try ConcatAudioPlan.makeTrack(input, output: output)
        // Every packet count is known up front (video: the segments' frames; AAC: 1024 samples a packet plus
        // priming and padding), so the index gets reserved room instead of a second pass over the file.
        let videoSamples = facts.reduce(0) { $0 + $1.frameCount }
        let seconds = facts.reduce(0.0) { $0 + $1.duration }
        let audioSamples = audio.map { Int(seconds * Double($0.rate) / 1024) + 16 * facts.count + 16 } ?? 0
        try output.writeHeader(
            fastStart: true, movieTimescale: OutputContainer.movieTimescale(videoTimeBase: first.timeBase, sampleRate: audio?.rate),
            maxSamples: videoSamples + audioSamples)
        let writer = ConcatVideoWriter(output: output, stream: videoOut, audio: audioTrack)
        defer { for job in jobs.values { job.cancel() } }
        launchJobs(upTo: jobsAhead, timeBase: writer.timeBase)
        var reports: [ConcatReport.Segment] = []
        var totalFrames = 0
        for k in facts.indices {
            let seg = k == 0 ? first : try ConcatSegment(path: facts[k].path)
            launchJobs(upTo: k + jobsAhead - 1, timeBase: writer.timeBase)
            let pass = try SegmentCopyPass(assembler: self, index: k, segment: seg, writer: writer, audio: audioTrack)
            let report = try pass.run()
            totalFrames += report.framesOut
            reports.append(report)
        }
        if pending != nil { throw MediaError.encodeFailed(path: input.displayPath, detail: "a seam was left unfinished") }
        let audioReport = try audioTrack?.finish()
        try output.commit()
        let total = Double(offset) * Double(writer.timeBase.num) / Double(writer.timeBase.den)
        return (reports, totalFrames, total, audioReport)
    }

    /// Starts the drop-first jobs of the segments up to `last` (drop-first's later segments always have one).
    private func launchJobs(upTo last: Int, timeBase: AVRational) {
        guard let gop, input.seam == .dropFirst else { return }
        let facts = input.facts
        while lastLaunched < min(last, facts.count - 1) {
            lastLaunched += 1
            let job = HeadGOPJob(
                path: facts[lastLaunched].path, gop: gop, outputTimeBase: timeBase,
                encoderThreads: lastLaunched == facts.count - 1 ? 0 : 1)
            jobs[lastLaunched] = job
            job.start()
        }
    }

    /// Forgets the job of segment `k` once its result is taken (it is no longer cancelled on exit).
    func jobFinished(_ k: Int) {
        jobs[k] = nil
    }

    /// Starts a re-encoded GOP.
    func beginGOP(delay: Int64, path: String) throws -> SeamGOP {
        guard let gop else { throw MediaError.encodeFailed(path: input.displayPath, detail: "no seam encoder") }
        return try SeamGOP(encoder: gop, delay: delay, path: path)
    }
}
