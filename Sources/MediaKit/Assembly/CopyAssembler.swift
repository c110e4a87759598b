import CFFmpeg
import Foundation

/// Stream-copies every segment's video with per-segment timestamp offsets; audio re-encoded once.
///
/// With a `SpliceEncoder`, only the GOPs that change are re-encoded: for the cuts (`SegmentCut`: `drop-first`'s
/// first frame, the edits' head and tail drops) the GOP holding a segment's first kept frame and the one holding
/// its last, when the cut falls inside them (GOPs wholly dropped are left out, not decoded); every GOP of a
/// colour-corrected segment; for `crossfade=N` the last GOP of a segment and the first GOP of the next, as one
/// new GOP in which the last N frames of the one are blended with the first N of the other. Every other GOP is
/// copied bit for bit. Each segment is one `SegmentCopyPass`; the cut GOPs are `GOPJob`s on worker threads.
final class CopyAssembler {
    let input: AssemblyInput
    let gop: SpliceEncoder?
    /// Frames of a later segment's first GOP that are not encoded as themselves (blended, under crossfade).
    let headDrop: Int

    // State carried from one segment to the next.
    /// Where the next segment starts (output time base).
    var offset: Int64 = 0
    /// The crossfade tail waiting for the next segment's first frames.
    var pending: PendingTail?
    /// Audio samples (per channel) handed to the encoder so far.
    var totalSamples = 0
    /// The GOPs the cuts re-encode, (segment, GOP) in order: their `GOPJob`s run on worker threads, one per core
    /// (at most 4), the later ones while this thread writes the earlier.
    private let tasks: [(segment: Int, gop: Int)]
    private var jobs: [Int: GOPJob] = [:]
    private var launched = 0
    private var consumed = 0
    private let jobsAhead = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount))

    init(_ input: AssemblyInput, gop: SpliceEncoder? = nil) {
        self.input = input
        self.gop = gop
        headDrop = gop == nil ? 0 : input.blend
        tasks = gop == nil ? [] : input.cuts.enumerated().flatMap { k, cut in cut.reencodedGOPs.map { (segment: k, gop: $0) } }
    }

    func run() throws -> ([ConcatReport.Segment], Int, Double) {
        let (first, facts, audio) = (input.first, input.facts, input.audio)
        let output = try OutputContainer(path: input.path)
        let videoOut = try output.addStream(copying: first.videoStream)
        if let gop { try output.setExtradata(gop.extradata, stream: videoOut) }
        let audioEncoder = try audio.map {
            try ConcatAudioEncoder(output: output, sampleRate: $0.rate, channels: $0.channels, bitRate: input.audioBitRate)
        }
        // Every packet count is known up front (video: the segments' frames; AAC: 1024 samples a packet plus
        // priming and padding), so the index gets reserved room instead of a second pass over the file.
        let videoSamples = facts.reduce(0) { $0 + $1.frameCount }
        let seconds = facts.reduce(0.0) { $0 + $1.duration }
        let audioSamples = audio.map { Int(seconds * Double($0.rate) / 1024) + 16 * facts.count + 16 } ?? 0
        try output.writeHeader(
            fastStart: true, movieTimescale: OutputContainer.movieTimescale(videoTimeBase: first.timeBase, sampleRate: audio?.rate),
            maxSamples: videoSamples + audioSamples)
        let writer = ConcatVideoWriter(output: output, stream: videoOut, audio: audioEncoder)
        defer { for job in jobs.values { job.cancel() } }
        launchJobs()
        var reports: [ConcatReport.Segment] = []
        var totalFrames = 0
        for k in facts.indices {
            let seg = k == 0 ? first : try ConcatSegment(path: facts[k].path)
            let pass = try SegmentCopyPass(assembler: self, index: k, segment: seg, writer: writer, audioEncoder: audioEncoder)
            let report = try pass.run()
            totalFrames += report.framesOut
            reports.append(report)
        }
        if pending != nil { throw MediaError.encodeFailed(path: input.displayPath, detail: "a seam was left unfinished") }
        try audioEncoder?.finish()
        try output.commit()
        let total = Double(offset) * Double(writer.timeBase.num) / Double(writer.timeBase.den)
        return (reports, totalFrames, total)
    }

    /// Starts jobs until `jobsAhead` are running or done and not yet taken.
    private func launchJobs() {
        guard let gop else { return }
        while launched < min(consumed + jobsAhead, tasks.count) {
            let (k, g) = tasks[launched]
            guard case .reencode(let keep) = input.cuts[k].treatment(ofGOP: g) else {
                launched += 1
                continue
            }
            let job = GOPJob(
                fact: input.facts[k], cut: input.cuts[k], gop: g, keep: keep, encoder: gop,
                encoderThreads: launched == tasks.count - 1 ? 0 : 1)
            jobs[launched] = job
            launched += 1
            job.start()
        }
    }

    /// Takes the next job, which must be the one of GOP `g` of segment `k`, and starts the next ones.
    /// - Throws: `MediaError.decodeFailed` naming the segment when the GOPs read differently than at first.
    func takeJob(segment k: Int, gop g: Int, path: String) throws -> GOPJob {
        launchJobs()
        guard consumed < tasks.count, tasks[consumed] == (k, g), let job = jobs.removeValue(forKey: consumed) else {
            throw MediaError.decodeFailed(path: path, detail: "GOP \(g + 1) read differently on the second pass")
        }
        consumed += 1
        launchJobs()
        return job
    }

    /// Starts a re-encoded GOP.
    func beginGOP(delay: Int64, path: String) throws -> SeamGOP {
        guard let gop else { throw MediaError.encodeFailed(path: input.displayPath, detail: "no seam encoder") }
        return try SeamGOP(encoder: gop, delay: delay, path: path)
    }
}
