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
/// otherwise. The segment edits (`ConcatOptions.edits`) drop frames at a segment's head and tail, re-encoding only
/// the GOPs a drop cuts inside, and colour-correct a segment by re-encoding its GOPs (see `SegmentEdit`); under the
/// encode plan they are applied on the way into the encoder. Audio is always decoded, cut or padded to each segment's video duration (silence for segments
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
        let facts = try describe(segments, first: first)
        let cuts = try SegmentCut.resolve(options.edits, facts: facts, seam: options.seam)
        let plan = try ConcatPlan.decide(facts: facts, cuts: cuts, first: first, options: options, path: output)
        let staging = stagingPath(for: output)
        defer { unlink(staging) }
        var segmentReports: [ConcatReport.Segment]
        var expectedFrames: Int
        var expectedDuration: Double
        let audioFormat = facts.lazy.compactMap { f in f.audioRate.flatMap { rate in f.audioChannels.map { (rate: rate, channels: $0) } } }.first
        let input = AssemblyInput(
            first: first, facts: facts, path: staging, displayPath: output, audio: audioFormat, audioBitRate: try audioBitRate(options),
            seam: options.seam, cuts: cuts)
        switch plan {
        case .copy:
            (segmentReports, expectedFrames, expectedDuration) = try CopyAssembler(input).run()
            try ConcatOutputCheck.checkCounts(segmentReports, blend: input.blend, total: expectedFrames, output: output)
        case .copyWithSeamGOPs(let gop):
            (segmentReports, expectedFrames, expectedDuration) = try CopyAssembler(input, gop: gop).run()
            try ConcatOutputCheck.checkCounts(segmentReports, blend: input.blend, total: expectedFrames, output: output)
        case .encode(let reasons):
            let settings = try encodeSettings(first: first, options: options)
            (segmentReports, expectedFrames, expectedDuration) = try EncodeAssembler(input, reasons: reasons, settings: settings).run()
        }

        // Re-probe and check before the file takes its name.
        let checked = try ConcatOutputCheck.check(
            staging, output: output, frames: expectedFrames, duration: expectedDuration, expectsAudio: audioFormat != nil)
        if rename(staging, output) != 0 {
            throw MediaError.outputFailed(path: output, detail: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        var probe = checked.info
        probe.path = output
        return ConcatReport(
            output: output, seam: options.seam, reencode: options.reencode, segments: segmentReports,
            framesIn: facts.reduce(0) { $0 + $1.frameCount }, framesOut: checked.frames, videoDuration: checked.videoDuration,
            audioDuration: checked.audioDuration, probe: probe)
    }

    /// Opens and describes every segment (`first` is `segments[0]`, already open; the others are closed again).
    static func describe(_ segments: [String], first: ConcatSegment) throws -> [SegmentFacts] {
        var facts: [SegmentFacts] = []
        for (i, path) in segments.enumerated() {
            let seg = i == 0 ? first : try ConcatSegment(path: path)
            let audio = seg.audioIndex.map { seg.container.stream($0).pointee.codecpar! }
            facts.append(
                SegmentFacts(
                    path: path, frameCount: seg.frameCount, duration: seg.duration, hasAudio: seg.hasAudio,
                    incompatibility: seg.incompatibility(with: first, isFirst: i == 0),
                    audioRate: audio.map { Int($0.pointee.sample_rate) }, audioChannels: audio.map { Int(cff_codecpar_channels($0)) },
                    keyframes: seg.keyframeIndices.count, firstGOPFrames: seg.firstGOPFrames, lastGOPFrames: seg.lastGOPFrames,
                    keyframeIndices: seg.keyframeIndices, keyframeDts: seg.keyframeDts))
        }
        return facts
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
}
