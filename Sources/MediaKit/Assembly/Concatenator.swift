import CFFmpeg
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Joins video segments into one MP4 with libavformat (never FFmpeg's concat demuxer).
///
/// Video is stream-copied when every segment is compatible with the first (codec, tag, parameter sets,
/// size, pixel format, profile, level, colour tags, SAR, rotation, B-frame delay, frame rate, a closed-GOP
/// keyframe start and no edit-list-hidden frames). When a segment is not, all video is re-encoded with one
/// encoder (one set of parameter sets for the whole file) at the first segment's size and frame rate or the
/// preset's. The `drop-first` and `crossfade` seams re-encode only the GOPs at the seams (libx264 parameter
/// sets under a free id, added to the copied avcC) when the segments are compatible H.264, and everything
/// otherwise. Audio is always decoded, cut or padded to each segment's video duration (silence for segments
/// without audio) and encoded once as AAC.
///
/// The output is written under a temporary name, re-probed and checked (frame count and durations), and only
/// then renamed to its destination; on any failure nothing is left behind.
public enum Concatenator {
    /// Concatenates `segments` into `output`.
    /// - Returns: what was copied or re-encoded and why, and the re-probed output.
    /// - Throws: `MediaError` naming the segment (missing, corrupt, incompatible under `.never`) or the output.
    public static func concatenate(_ segments: [String], to output: String, options: ConcatOptions = ConcatOptions()) throws
        -> ConcatReport
    {
        FFmpegLibrary.ensureConfigured()
        guard !segments.isEmpty else { throw MediaError.invalidArgument("concat: no segments given") }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["mp4", "m4v", "mov"].contains(ext) else {
            throw MediaError.invalidArgument("\(output): the output must be .mp4, .m4v or .mov")
        }
        let outAbs = URL(fileURLWithPath: output).standardizedFileURL.path
        if let same = segments.first(where: { URL(fileURLWithPath: $0).standardizedFileURL.path == outAbs }) {
            throw MediaError.invalidArgument("\(same): the output must not be one of the segments")
        }
        if case .crossfade(let n) = options.seam, n < 1 {
            throw MediaError.invalidArgument("concat: crossfade needs at least 1 frame")
        }

        // Pass 1: describe every segment (only the first stays open).
        let first = try ConcatSegment(path: segments[0])
        var facts: [SegmentFacts] = []
        for (i, path) in segments.enumerated() {
            let seg = i == 0 ? first : try ConcatSegment(path: path)
            facts.append(
                SegmentFacts(
                    path: path, frameCount: seg.frameCount, duration: seg.duration, hasAudio: seg.hasAudio,
                    incompatibility: seg.incompatibility(with: first, isFirst: i == 0),
                    audioRate: seg.audioIndex.map { Int(seg.container.stream($0).pointee.codecpar.pointee.sample_rate) },
                    audioChannels: seg.audioIndex.map { Int(cff_codecpar_channels(seg.container.stream($0).pointee.codecpar)) },
                    keyframes: seg.keyframeIndices.count, firstGOPFrames: seg.firstGOPFrames, lastGOPFrames: seg.lastGOPFrames))
        }

        let plan = try decide(facts: facts, first: first, options: options, path: output)
        let staging = stagingPath(for: output)
        defer { unlink(staging) }
        var segmentReports: [ConcatReport.Segment]
        var expectedFrames: Int
        var expectedDuration: Double
        let audioFormat = facts.first(where: { $0.hasAudio }).map { (rate: $0.audioRate!, channels: $0.audioChannels!) }
        switch plan {
        case .copy:
            (segmentReports, expectedFrames, expectedDuration) = try CopyAssembler(
                first: first, facts: facts, path: staging, displayPath: output, audio: audioFormat,
                audioBitRate: try audioBitRate(options)
            ).run()
        case .copyWithSeamGOPs(let gop):
            (segmentReports, expectedFrames, expectedDuration) = try CopyAssembler(
                first: first, facts: facts, path: staging, displayPath: output, audio: audioFormat,
                audioBitRate: try audioBitRate(options), gop: gop, seam: options.seam
            ).run()
        case .encode(let reasons):
            let settings = try encodeSettings(first: first, options: options)
            (segmentReports, expectedFrames, expectedDuration) = try EncodeAssembler(
                first: first, facts: facts, reasons: reasons, settings: settings, seam: options.seam, path: staging,
                displayPath: output, audio: audioFormat, audioBitRate: try audioBitRate(options)
            ).run()
        }

        // Re-probe and check before the file takes its name.
        let info = try MediaProbe.probe(staging)
        guard let video = info.video, let vinfo = video.video else {
            throw MediaError.encodeFailed(path: output, detail: "the written file has no video stream")
        }
        let frames = vinfo.frameCount ?? -1
        guard frames == expectedFrames else {
            throw MediaError.encodeFailed(path: output, detail: "the written file has \(frames) frames, expected \(expectedFrames)")
        }
        let videoDuration = video.duration ?? 0
        let tick = max(0.002, 1 / max(1, vinfo.frameRate?.doubleValue ?? 24) / 2)
        guard abs(videoDuration - expectedDuration) <= tick else {
            throw MediaError.encodeFailed(
                path: output, detail: String(format: "the written video lasts %.4f s, expected %.4f s", videoDuration, expectedDuration))
        }
        var audioDuration: Double?
        if let audio = info.audio {
            let d = audio.duration ?? 0
            let frame = 1024 / Double(audio.audio?.sampleRate ?? 48000)
            guard abs(d - videoDuration) <= frame + 0.001 else {
                throw MediaError.encodeFailed(
                    path: output, detail: String(format: "the written audio lasts %.4f s, the video %.4f s", d, videoDuration))
            }
            audioDuration = d
        } else if audioFormat != nil {
            throw MediaError.encodeFailed(path: output, detail: "the written file lost its audio stream")
        }
        if rename(staging, output) != 0 {
            throw MediaError.outputFailed(path: output, detail: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        var probe = info
        probe.path = output
        return ConcatReport(
            output: output, seam: options.seam, reencode: options.reencode, segments: segmentReports,
            framesIn: facts.reduce(0) { $0 + $1.frameCount }, framesOut: frames, videoDuration: videoDuration,
            audioDuration: audioDuration, probe: probe)
    }

    /// Copy everything, or encode everything (with the reason per segment).
    enum Plan {
        case copy
        case copyWithSeamGOPs(GOPReencoder)
        case encode([String])
    }

    static func decide(facts: [SegmentFacts], first: ConcatSegment, options: ConcatOptions, path: String) throws -> Plan {
        let seamNeedsEncode = options.seam != .keep && facts.count > 1
        switch options.reencode {
        case .never:
            if let bad = facts.first(where: { $0.incompatibility != nil }) {
                throw MediaError.invalidArgument(
                    "\(bad.path): cannot be stream-copied after \(facts[0].path): \(bad.incompatibility!) (--reencode never)")
            }
            if seamNeedsEncode {
                throw MediaError.invalidArgument(
                    "concat: --seam \(options.seam) re-encodes video at the seams, which --reencode never forbids")
            }
            return .copy
        case .always:
            return .encode(facts.map { _ in "--reencode always" })
        case .auto:
            let firstBad = facts.first { $0.incompatibility != nil }
            if firstBad == nil && !seamNeedsEncode { return .copy }
            var gopFailure: String?
            if firstBad == nil, options.seam != .keep {
                do {
                    if case .crossfade(let n) = options.seam {
                        for (k, f) in facts.enumerated() {
                            if k > 0 && f.firstGOPFrames <= n {
                                throw GOPReencoder.Unavailable(reason: "\(f.path) has a first GOP of \(f.firstGOPFrames) frames")
                            }
                            if k < facts.count - 1 && f.lastGOPFrames < n {
                                throw GOPReencoder.Unavailable(reason: "\(f.path) has a last GOP of \(f.lastGOPFrames) frames")
                            }
                            if k > 0 && k < facts.count - 1 && f.keyframes < 2 {
                                throw GOPReencoder.Unavailable(reason: "\(f.path) has a single GOP")
                            }
                        }
                    }
                    let crf = try options.preset.map { try VideoEncodeSettings.preset(at: $0, width: 64, height: 64, frameRate: Rational(24, 1)) }
                    let gop = try GOPReencoder(
                        first: first, pixelFormat: try first.decodedPixelFormat(), crf: crf?.crf ?? 18,
                        preset: crf?.preset ?? "veryfast", path: path)
                    return .copyWithSeamGOPs(gop)
                } catch let error as GOPReencoder.Unavailable {
                    gopFailure = error.reason
                }
            }
            return .encode(
                facts.map { f in
                    if let why = f.incompatibility { return why }
                    if let bad = firstBad {
                        return "\(bad.path) must be re-encoded and the output has one set of parameter sets"
                    }
                    if let gopFailure {
                        return "--seam \(options.seam) cannot re-encode only the GOPs at the seams (\(gopFailure))"
                    }
                    return "--seam \(options.seam) re-encodes the seams and the output has one set of parameter sets"
                })
        }
    }

    static func encodeSettings(first: ConcatSegment, options: ConcatOptions) throws -> VideoEncodeSettings {
        var rate = first.frameRate
        if rate.num <= 0 || rate.den <= 0 { rate = first.videoStream.pointee.r_frame_rate }
        if rate.num <= 0 || rate.den <= 0 { rate = AVRational(num: 24, den: 1) }
        let width = first.width + first.width % 2
        let height = first.height + first.height % 2
        let frameRate = Rational(rate)
        if let url = options.preset {
            return try VideoEncodeSettings.preset(at: url, width: width, height: height, frameRate: frameRate)
        }
        var settings = VideoEncodeSettings(width: width, height: height, frameRate: frameRate, crf: 18)
        settings.gopFrames = max(1, Int((2 * frameRate.doubleValue).rounded()))
        return settings
    }

    static func audioBitRate(_ options: ConcatOptions) throws -> Int {
        guard let url = options.preset else { return 192_000 }
        return try VideoEncodeSettings.preset(at: url, width: 64, height: 64, frameRate: Rational(24, 1)).audio?.bitRate ?? 192_000
    }

    static func stagingPath(for output: String) -> String {
        let url = URL(fileURLWithPath: output)
        let token = UUID().uuidString.prefix(8).lowercased()
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(token).assembling.\(url.pathExtension)")
            .path
    }

    /// A movie time scale in which both the video and the audio track ends are exact (see `VideoWriter`).
    static func movieTimescale(videoTimeBase: AVRational, sampleRate: Int?) -> Int? {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        var video = Int(videoTimeBase.den)
        while video < 10000 { video *= 2 }
        var scale = video
        if let sampleRate { scale = scale / gcd(scale, sampleRate) * sampleRate }
        return scale <= Int(Int32.max) ? scale : nil
    }
}

/// What pass 1 learned about a segment.
struct SegmentFacts {
    var path: String
    var frameCount: Int
    var duration: Double
    var hasAudio: Bool
    var incompatibility: String?
    var audioRate: Int?
    var audioChannels: Int?
    var keyframes: Int
    var firstGOPFrames: Int
    var lastGOPFrames: Int
}

/// Stream-copies every segment's video with per-segment timestamp offsets; audio re-encoded once.
///
/// With a `GOPReencoder`, only the GOPs at the seams are re-encoded: for `drop-first` the first GOP of every
/// segment after the first, without its first frame; for `crossfade=N` the last GOP of a segment and the
/// first GOP of the next, as one new GOP in which the last N frames of the one are blended with the first N
/// of the other. Every other GOP is copied bit for bit.
final class CopyAssembler {
    let first: ConcatSegment
    let facts: [SegmentFacts]
    let path: String
    let displayPath: String
    let audio: (rate: Int, channels: Int)?
    let audioBitRate: Int
    let gop: GOPReencoder?
    let seam: SeamPolicy

    init(
        first: ConcatSegment, facts: [SegmentFacts], path: String, displayPath: String, audio: (rate: Int, channels: Int)?,
        audioBitRate: Int, gop: GOPReencoder? = nil, seam: SeamPolicy = .keep
    ) {
        self.first = first
        self.facts = facts
        self.path = path
        self.displayPath = displayPath
        self.audio = audio
        self.audioBitRate = audioBitRate
        self.gop = gop
        self.seam = seam
    }

    private var lastDts = Int64.min

    /// A re-encoded GOP in progress; its packets are written as libx264 hands them over.
    private final class SeamGOP {
        let session: GOPReencoder.Session
        /// The copied stream's DTS lag (output time base): encoded packets get `dts = pts - delay`.
        let delay: Int64
        let path: String
        var firstPts: Int64 = 0
        /// Output ticks between the first two frames (the encoded packets' duration), once known.
        var duration: Int64?
        /// Packets that came out before `duration` was known.
        var held: [Packet] = []

        init(session: GOPReencoder.Session, delay: Int64, path: String) {
            self.session = session
            self.delay = delay
            self.path = path
        }
    }

    /// The last GOP of a segment: its frames before the last N are already encoded; the last N wait to be
    /// blended with the next segment's first frames into the same GOP.
    private struct PendingTail {
        var gop: SeamGOP
        var frames: [Frame]
        /// Output pts (output time base) of each frame.
        var outputPts: [Int64]
    }

    func run() throws -> ([ConcatReport.Segment], Int, Double) {
        let output = try OutputContainer(path: path)
        let videoOut = try output.addStream(copying: first.videoStream)
        if let gop {
            let par = output.context.pointee.streams[videoOut]!.pointee.codecpar!
            av_freep(&par.pointee.extradata)
            let size = gop.extradata.count
            guard let buffer = av_mallocz(size + Int(AV_INPUT_BUFFER_PADDING_SIZE))?.assumingMemoryBound(to: UInt8.self) else {
                throw MediaError.encodeFailed(path: displayPath, detail: "out of memory")
            }
            gop.extradata.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: size) }
            par.pointee.extradata = buffer
            par.pointee.extradata_size = Int32(size)
        }
        let audioEncoder = try audio.map {
            try ConcatAudioEncoder(output: output, sampleRate: $0.rate, channels: $0.channels, bitRate: audioBitRate)
        }
        // Every packet count is known up front (video: the segments' frames; AAC: 1024 samples a packet plus
        // priming and padding), so the index gets reserved room instead of a second pass over the file.
        let videoSamples = facts.reduce(0) { $0 + $1.frameCount }
        let seconds = facts.reduce(0.0) { $0 + $1.duration }
        let audioSamples = audio.map { Int(seconds * Double($0.rate) / 1024) + 16 * facts.count + 16 } ?? 0
        try output.writeHeader(
            fastStart: true, movieTimescale: Concatenator.movieTimescale(videoTimeBase: first.timeBase, sampleRate: audio?.rate),
            maxSamples: videoSamples + audioSamples)
        let outTB = output.timeBase(ofStream: videoOut)
        let blend = { if case .crossfade(let n) = seam { return n } else { return 0 } }()
        let headDrop = gop == nil ? 0 : (seam == .dropFirst ? 1 : blend)
        var offset: Int64 = 0
        var reports: [ConcatReport.Segment] = []
        var totalSamples = 0
        var totalFrames = 0
        var pending: PendingTail?
        let packet = Packet()
        // drop-first: the seam GOPs are encoded by worker jobs, one per core (at most 4), the later ones while
        // this thread writes the earlier.
        var jobs: [Int: HeadGOPJob] = [:]
        defer { for job in jobs.values { job.cancel() } }
        let jobsAhead = min(4, max(2, ProcessInfo.processInfo.activeProcessorCount))
        var lastLaunched = 0
        func launchJobs(upTo last: Int) {
            guard let gop, seam == .dropFirst else { return }
            while lastLaunched < min(last, facts.count - 1) {
                lastLaunched += 1
                let job = HeadGOPJob(
                    path: facts[lastLaunched].path, gop: gop, outputTimeBase: outTB,
                    encoderThreads: lastLaunched == facts.count - 1 ? 0 : 1)
                jobs[lastLaunched] = job
                job.start()
            }
        }
        launchJobs(upTo: jobsAhead)

        func write(_ p: Packet, pts: Int64, dts: Int64, path: String) throws {
            p.pointer.pointee.pts = pts
            p.pointer.pointee.dts = dts
            p.pointer.pointee.pos = -1
            guard dts > lastDts, dts <= pts else {
                throw MediaError.decodeFailed(path: path, detail: "video decode timestamps are not increasing at the seam")
            }
            lastDts = dts
            try output.writeRescaled(p, stream: videoOut)
            try audioEncoder?.writeReady()
        }

        /// Writes an encoded packet of `seamGOP` (pts in the encoder's time base).
        func writeEncoded(_ p: Packet, _ seamGOP: SeamGOP) throws {
            guard let gop, let duration = seamGOP.duration else { return seamGOP.held.append(p) }
            let pts = av_rescale_q(p.pts, gop.timeBase, outTB)
            p.pointer.pointee.duration = max(1, duration)
            try write(p, pts: pts, dts: pts - seamGOP.delay, path: seamGOP.path)
        }

        func setDuration(_ duration: Int64, _ seamGOP: SeamGOP) throws {
            seamGOP.duration = duration
            let held = seamGOP.held
            seamGOP.held = []
            for p in held { try writeEncoded(p, seamGOP) }
        }

        /// Starts a re-encoded GOP.
        func beginGOP(delay: Int64, path: String) throws -> SeamGOP {
            guard let gop else { throw MediaError.encodeFailed(path: displayPath, detail: "no seam encoder") }
            return SeamGOP(session: try gop.begin(), delay: delay, path: path)
        }

        /// Encodes one frame (output pts given) into `seamGOP` and writes the packets that are ready.
        func encode(_ frame: Frame, outputPts: Int64, into seamGOP: SeamGOP) throws {
            guard let gop else { return }
            if seamGOP.session.framesIn == 0 {
                seamGOP.firstPts = outputPts
            } else if seamGOP.duration == nil {
                try setDuration(outputPts - seamGOP.firstPts, seamGOP)
            }
            frame.pointer.pointee.pts = av_rescale_q(outputPts, outTB, gop.timeBase)
            try seamGOP.session.send(frame) { try writeEncoded($0, seamGOP) }
        }

        /// Drains the encoder of `seamGOP` and writes the rest of its packets.
        func finishGOP(_ seamGOP: SeamGOP) throws {
            if seamGOP.duration == nil { try setDuration(1, seamGOP) }
            try seamGOP.session.finish { try writeEncoded($0, seamGOP) }
        }

        for (k, fact) in facts.enumerated() {
            let seg = k == 0 ? first : try ConcatSegment(path: fact.path)
            try seg.rewind()
            let tb = seg.timeBase
            let videoStart = Double(seg.startPts) * Double(tb.num) / Double(tb.den)
            let segAudio = try audio.map { try SegmentAudio(segment: seg, sampleRate: $0.rate, channels: $0.channels) }
            let smart = gop != nil
            let isLast = k == facts.count - 1
            // Copied packets: the whole segment is raised when its first DTS would not follow the last one.
            var base: Int64? = smart ? offset : nil
            var dropTicks: Int64 = 0  // source time base
            var reencoded = 0
            var framesOut = fact.frameCount
            var delay: Int64?  // output time base, from the segment's first video DTS
            // The GOP being re-encoded in this segment (the head's, or the tail's).
            var seamGOP: SeamGOP?
            var headFrames = 0
            var firstFramePts: Int64 = 0
            var kept: [(frame: Frame, pts: Int64)] = []

            /// A frame of the first GOP, in display order: dropped, blended with the previous tail or encoded.
            func headFrame(_ f: Frame) throws {
                let i = headFrames
                headFrames += 1
                if i == 0 { firstFramePts = f.pts }
                if i < headDrop {
                    guard blend > 0, let tail = pending else { return }
                    let mixed = try Blend.mix(tail.frames[i], f, weight: Double(i + 1) / Double(blend + 1), path: displayPath)
                    try encode(mixed, outputPts: tail.outputPts[i], into: tail.gop)
                    return
                }
                if i == headDrop { dropTicks = f.pts - firstFramePts }
                if seamGOP == nil { seamGOP = try pending?.gop ?? beginGOP(delay: delay ?? 0, path: seg.path) }
                try encode(f, outputPts: offset + av_rescale_q(f.pts - seg.startPts - dropTicks, tb, outTB), into: seamGOP!)
            }

            /// A frame of the last GOP: all but the last `blend` are encoded at once.
            func tailFrame(_ f: Frame) throws {
                let keep = Frame()
                av_frame_move_ref(keep.pointer, f.pointer)
                kept.append((keep, (base ?? offset) + av_rescale_q(keep.pts - seg.startPts - dropTicks, tb, outTB)))
                guard kept.count > blend else { return }
                let (frame, pts) = kept.removeFirst()
                if seamGOP == nil { seamGOP = try beginGOP(delay: delay ?? 0, path: seg.path) }
                try encode(frame, outputPts: pts, into: seamGOP!)
            }

            launchJobs(upTo: k + jobsAhead - 1)
            let job = jobs[k]
            var jobPackets = 0  // video packets skipped because `job` re-encodes them
            // The first GOP is decoded here only for crossfade: drop-first's always has a job (see `launchJobs`).
            let head = (smart && k > 0 && job == nil) ? try GOPDecoder(segment: seg, part: "first GOP", onFrame: headFrame) : nil
            var tail: GOPDecoder? = nil

            func finishHead(_ head: GOPDecoder) throws {
                try head.finish()
                guard headFrames > headDrop else {
                    throw MediaError.decodeFailed(path: seg.path, detail: "the first GOP has only \(headFrames) frames")
                }
                if pending != nil && seamGOP == nil { seamGOP = pending?.gop }
                pending = nil
                if let seamGOP { try finishGOP(seamGOP) }
                seamGOP = nil
                reencoded = headFrames - headDrop
                framesOut = fact.frameCount - headDrop
            }
            /// Writes the job's packets in place of the skipped ones.
            func finishJob(_ job: HeadGOPJob, isWholeSegment: Bool) throws {
                let result = try job.wait()
                jobs[k] = nil
                guard result.packetCount == jobPackets, result.isWholeSegment == isWholeSegment else {
                    throw MediaError.decodeFailed(path: seg.path, detail: "the first GOP read differently on the second pass")
                }
                dropTicks = result.dropTicks
                for p in result.packets { try write(p, pts: p.pts + offset, dts: p.dts + offset, path: seg.path) }
                reencoded = max(0, result.frames - 1)
                framesOut = fact.frameCount - 1
            }
            var inJobGOP = job != nil
            while try seg.container.read(into: packet) {
                if packet.streamIndex == seg.audioIndex {
                    try segAudio?.decode(packet, videoStart: videoStart)
                    continue
                }
                guard packet.streamIndex == seg.videoIndex else { continue }
                if delay == nil {
                    let firstDts = packet.dts == cff_AV_NOPTS_VALUE ? 0 : packet.dts
                    delay = av_rescale_q(max(0, seg.startPts - firstDts), tb, outTB)
                }
                if let job, inJobGOP {
                    if !(packet.isKeyframe && jobPackets > 0) {
                        jobPackets += 1
                        continue
                    }
                    inJobGOP = false
                    try finishJob(job, isWholeSegment: false)
                }
                if let head, !head.done {
                    if !(packet.isKeyframe && head.packetCount > 0) {
                        try head.add(packet)
                        continue
                    }
                    try finishHead(head)
                }
                if blend > 0 && !isLast && tail == nil && packet.isKeyframe && packet.dts == seg.lastKeyframeDts {
                    tail = try GOPDecoder(segment: seg, part: "last GOP", onFrame: tailFrame)
                }
                if let tail {
                    try tail.add(packet)
                    continue
                }
                let p = packet.pointer
                let pts = av_rescale_q(p.pointee.pts - seg.startPts - dropTicks, tb, outTB)
                let dts = av_rescale_q(p.pointee.dts - seg.startPts - dropTicks, tb, outTB)
                p.pointee.duration = av_rescale_q(p.pointee.duration, tb, outTB)
                if base == nil { base = offset + dts <= lastDts ? lastDts + 1 - dts : offset }
                try write(packet, pts: pts + base!, dts: dts + base!, path: seg.path)
            }
            if let head, !head.done { try finishHead(head) }
            if let job, inJobGOP { try finishJob(job, isWholeSegment: true) }
            if let tail {
                try tail.finish()
                guard kept.count == blend else {
                    throw MediaError.decodeFailed(path: seg.path, detail: "the last GOP has only \(tail.frameCount) frames")
                }
                let gop = try seamGOP ?? beginGOP(delay: delay ?? 0, path: seg.path)
                pending = PendingTail(gop: gop, frames: kept.map(\.frame), outputPts: kept.map(\.pts))
                kept = []
                seamGOP = nil
                reencoded += tail.frameCount
            }
            try segAudio?.decode(nil, videoStart: videoStart)
            let segStart = base ?? offset
            let segEnd = segStart + av_rescale_q(seg.endPts - seg.startPts - dropTicks, tb, outTB)
            if let audioEncoder, let segAudio {
                let rate = Int64(audioEncoder.sampleRate)
                let end = Int(av_rescale_q(segEnd, outTB, AVRational(num: 1, den: Int32(rate))))
                let count = max(0, end - totalSamples)
                let skip = Int(av_rescale_q(dropTicks, tb, AVRational(num: 1, den: Int32(rate))))
                try audioEncoder.append(segAudio.samples(skip: skip, count: count))
                totalSamples += count
            }
            offset = segEnd
            totalFrames += framesOut
            var reason: String?
            if reencoded > 0 {
                switch seam {
                case .dropFirst: reason = "first GOP re-encoded without its first frame (\(reencoded) frames), the rest copied"
                default: reason = "GOPs at the seams re-encoded (\(reencoded) frames, \(blend) blended per seam), the rest copied"
                }
            }
            reports.append(
                ConcatReport.Segment(
                    path: fact.path, video: "copied", reason: reason, framesIn: fact.frameCount, framesOut: framesOut,
                    reencodedFrames: reencoded, videoDuration: fact.duration, hasAudio: fact.hasAudio))
        }
        if pending != nil { throw MediaError.encodeFailed(path: displayPath, detail: "a seam was left unfinished") }
        try audioEncoder?.finish()
        try output.commit()
        let total = Double(offset) * Double(outTB.num) / Double(outTB.den)
        return (reports, totalFrames, total)
    }
}

/// A GOP of a segment decoded as its packets are read: every frame goes to `onFrame` as soon as the decoder
/// hands it over (in display order, pts set to the best-effort timestamp; the frame is reused afterwards).
final class GOPDecoder {
    private let decoder: CodecDecoder
    private let decoded = Frame()
    private let onFrame: (Frame) throws -> Void
    private(set) var packetCount = 0
    private(set) var frameCount = 0
    private(set) var done = false
    private var lastPts = Int64.min
    let path: String
    /// "first GOP" or "last GOP", for errors.
    let part: String

    /// - Parameter threads: decoder threads (0: FFmpeg's choice).
    init(segment: ConcatSegment, part: String, threads: Int32 = 0, onFrame: @escaping (Frame) throws -> Void) throws {
        path = segment.path
        self.part = part
        self.onFrame = onFrame
        decoder = try CodecDecoder(container: segment.container, stream: segment.videoIndex, threads: threads)
    }

    func add(_ packet: Packet) throws {
        packetCount += 1
        _ = try decoder.send(packet)
        try receive()
    }

    private func receive() throws {
        while try decoder.receive(into: decoded) == .frame {
            defer { decoded.unref() }
            if decoded.isCorrupt { throw MediaError.decodeFailed(path: path, detail: "a frame of the \(part) is corrupt") }
            let pts = decoded.bestEffortTimestamp
            guard pts != cff_AV_NOPTS_VALUE, pts > lastPts else {
                throw MediaError.decodeFailed(path: path, detail: "the frames of the \(part) are not decoded in display order")
            }
            lastPts = pts
            decoded.pointer.pointee.pts = pts
            frameCount += 1
            try onFrame(decoded)
        }
    }

    /// Drains the decoder.
    func finish() throws {
        _ = try decoder.send(nil)
        try receive()
        done = true
    }
}
