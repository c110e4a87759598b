import CFFmpeg
import Foundation

/// Cuts a time range out of a video file into a new MP4, exactly (re-encoding where needed) or at keyframes
/// (a pure stream copy). Audio is cut to the sample: the smart cut copies the source's AAC packets (placed
/// within half an AAC frame of the video), the other methods re-encode it as AAC.
///
/// Times are seconds relative to the first displayed frame. The output is written to a temporary file next to
/// `output` and renamed into place when complete; on any error nothing is left at `output`.
public enum Trimmer {
    /// Trims `input` into `output`.
    /// - Returns: what was written and how (`TrimResult.method`).
    /// - Throws: `MediaError.invalidArgument` for a range outside the video or an output equal to the input;
    ///   other `MediaError`s for unreadable input or a failed write.
    public static func trim(input: String, output: String, options: TrimOptions) throws -> TrimResult {
        guard options.start.isFinite, options.start >= 0 else {
            throw MediaError.invalidArgument("--start \(options.start) must be a non-negative number of seconds")
        }
        if let end = options.end {
            guard end.isFinite, end > options.start else {
                throw MediaError.invalidArgument("--end \(end) must be after --start \(options.start)")
            }
        }
        if URL(fileURLWithPath: input).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path {
            throw MediaError.invalidArgument("\(output): the output must not be the input file")
        }
        let source = try TrimSource(path: input)
        let duration = source.duration
        guard options.start < duration else {
            throw MediaError.invalidArgument(
                "\(input): --start \(decimalText(options.start)) s is at or past the end of the video (\(decimalText(duration)) s)")
        }
        let requestedEnd = min(options.end ?? duration, duration)
        let a = source.pts(options.start)
        let b = options.end == nil || requestedEnd >= duration ? source.endPts : source.pts(requestedEnd)
        var result = TrimResult(
            input: input, output: output, mode: options.mode, method: .fullReencode, fallbackReason: nil, requestedStart: options.start,
            requestedEnd: requestedEnd, actualStart: 0, actualEnd: 0, frames: 0, reencodedFrames: 0, copiedFrames: 0, videoDuration: 0,
            audioDuration: nil)
        switch options.mode {
        case .keyframe:
            try keyframeCopy(source, output: output, from: a, to: b, result: &result)
        case .exact:
            let selected = source.visiblePts.filter { $0 >= a && $0 < b }
            guard let first = selected.first, let last = selected.last else {
                throw MediaError.invalidArgument(
                    "\(input): no frame is shown between \(decimalText(options.start)) s and \(decimalText(requestedEnd)) s")
            }
            let plan = SmartCutPlan.make(source, from: first, through: last, options: options)
            switch plan {
            case .success(let plan):
                try SmartCut.run(source, plan: plan, output: output, options: options, result: &result)
            case .failure(let reason):
                result.fallbackReason = reason.text
                try fullReencode(source, output: output, frames: selected, options: options, result: &result)
            }
            result.actualStart = source.seconds(first)
            result.actualEnd = source.seconds(last + source.frameDuration)
        }
        return result
    }

    /// Adds the audio stream (when the source has audio) covering [start, end) on the source time line: its
    /// AAC packets copied when `copy` and they can be, otherwise decoded and encoded again.
    static func addAudio(_ source: TrimSource, muxer: TrimMuxer, start: Int64, end: Int64, copy: Bool = false, result: inout TrimResult) throws {
        guard let index = source.audioIndex else { return }
        let tb = Double(source.timeBase.num) / Double(source.timeBase.den)
        let from = Double(start) * tb
        let to = Double(end) * tb
        let copied = copy ? try TrimAudio(copying: source, streamIndex: index, from: from, to: to) : nil
        let audio = try copied ?? TrimAudio(source: source, streamIndex: index, outputPath: muxer.path, globalHeader: muxer.wantsGlobalHeader)
        if copied == nil { try audio.encode(from: from, to: to) }
        result.audioMethod = copied == nil ? "reencoded" : "copied"
        try muxer.addAudio(audio)
        result.audioDuration = Double(audio.sampleCount) / Double(audio.sampleRate)
    }

    /// Decodes and re-encodes exactly `frames` (ascending presentation times).
    static func fullReencode(_ source: TrimSource, output: String, frames: [Int64], options: TrimOptions, result: inout TrimResult) throws {
        let origin = frames[0]
        let last = frames[frames.count - 1]
        let end = last + source.frameDuration
        let muxer = try TrimMuxer(path: output)
        var encoder: X264Encoder?
        var expected = frames[...]
        func write(_ packet: Packet) throws {
            if packet.duration <= 0 { packet.pointer.pointee.duration = source.frameDuration }
            try muxer.writeVideo(packet)
        }
        let written = try TrimFrameReader.frames(of: source, in: origin..<last + 1) { frame in
            let pts = frame.bestEffortTimestamp
            guard pts == expected.first else {
                throw MediaError.unconfirmedFrame(
                    path: source.path, detail: "decoded frame at pts \(pts), expected \(expected.first.map { "\($0)" } ?? "none")")
            }
            expected = expected.dropFirst()
            if encoder == nil {
                var setup = source.encoderSetup(first: frame, options: options)
                setup.gopFrames = max(1, Int((2 * source.frameRate).rounded()))
                setup.bFrames = source.videoParameters.pointee.video_delay > 0 ? 2 : 0
                setup.globalHeader = muxer.wantsGlobalHeader
                let e = try X264Encoder(setup, path: output)
                try muxer.addVideo(encoder: e.encoder, source: source)
                try addAudio(source, muxer: muxer, start: origin, end: end, result: &result)
                try muxer.writeHeader()
                encoder = e
            }
            try encoder?.encode(frame, pts: pts - origin, into: write)
        }
        guard let encoder, written == frames.count else {
            throw MediaError.decodeFailed(path: source.path, detail: "decoded \(written) of the \(frames.count) frames in the range")
        }
        try encoder.flush(into: write)
        try muxer.finish()
        result.method = .fullReencode
        result.frames = frames.count
        result.reencodedFrames = frames.count
        result.videoDuration = source.seconds(end) - source.seconds(origin)
    }

    /// Copies whole GOPs: from the last keyframe at or before `a` to the first keyframe at or after `b`.
    static func keyframeCopy(_ source: TrimSource, output: String, from a: Int64, to b: Int64, result: inout TrimResult) throws {
        let keys = source.keyframes
        guard let start = keys.last(where: { $0 <= a }) ?? keys.first else {
            throw MediaError.decodeFailed(path: source.path, detail: "the video has no keyframe")
        }
        let end = keys.first(where: { $0 >= b && $0 > start }) ?? source.endPts
        let muxer = try TrimMuxer(path: output)
        try muxer.addCopiedVideo(source: source, extradata: nil)
        try addAudio(source, muxer: muxer, start: start, end: end, result: &result)
        try muxer.writeHeader()
        let copied = try copyPackets(source, from: start, to: end, origin: start, muxer: muxer)
        try muxer.finish()
        result.method = .streamCopy
        result.frames = copied
        result.copiedFrames = copied
        result.actualStart = source.seconds(start)
        result.actualEnd = source.seconds(end)
        result.videoDuration = source.seconds(end) - source.seconds(start)
    }

    /// Copies the video packets in decode order from the keyframe at `start` up to (not including) the keyframe
    /// at `end` (or the end of the stream), shifting timestamps by `origin`. Returns the number of shown frames.
    static func copyPackets(
        _ source: TrimSource, from start: Int64, to end: Int64, origin: Int64, muxer: TrimMuxer, firstPacket: ((Packet) throws -> Void)? = nil
    ) throws -> Int {
        let container = try InputContainer(path: source.path)
        container.discardAll(except: [source.videoIndex])
        try container.seek(stream: source.videoIndex, to: start, backward: true)
        let packet = Packet()
        var started = false
        var shown = 0
        while try container.read(into: packet) {
            guard packet.streamIndex == source.videoIndex else { continue }
            if !started {
                guard packet.isKeyframe && packet.pts == start else { continue }
                started = true
                try firstPacket?(packet)
            } else if packet.isKeyframe && packet.pts >= end {
                break
            }
            if !packet.isDiscarded { shown += 1 }
            packet.pointer.pointee.pts -= origin
            packet.pointer.pointee.dts -= origin
            try muxer.writeVideo(packet)
        }
        guard started else {
            throw MediaError.decodeFailed(path: source.path, detail: "cannot find the keyframe at pts \(start) after seeking")
        }
        return shown
    }
}
