import CFFmpeg

/// One segment of an `EncodeAssembler` run: its frames decoded, converted to the target picture and resampled
/// to the output frame rate (output frame i shows the newest source frame at or before i / fps), the first
/// dropped or blended with the previous segment's last at a seam; its audio packets handed to the audio track.
final class SegmentEncodePass {
    private let assembler: EncodeAssembler
    private let k: Int
    private let seg: ConcatSegment
    private let video: ConcatVideoEncoder
    private let audio: (any ConcatAudioOutput)?
    private let picture: SegmentPicture
    private let fps: Rational
    /// Output frames of this segment (before dropping and holding back).
    private let frames: Int
    /// Frames dropped at the start (drop-first).
    private let drop: Int
    /// Frames of this segment held back to blend with the next one.
    private let holdBack: Int
    private var emitted = 0
    private var current: Frame?

    init(assembler: EncodeAssembler, index k: Int, segment seg: ConcatSegment, video: ConcatVideoEncoder, audio: (any ConcatAudioOutput)?)
        throws
    {
        self.assembler = assembler
        self.k = k
        self.seg = seg
        self.video = video
        self.audio = audio
        try seg.rewind()
        try audio?.begin(seg, index: k)
        fps = assembler.settings.frameRate
        frames = max(1, Int((seg.duration * fps.doubleValue).rounded()))
        drop = (assembler.input.seam == .dropFirst && k > 0) ? 1 : 0
        let blend = assembler.input.blend
        if blend > 0 && assembler.input.facts.count > 1 && frames <= blend {
            throw MediaError.invalidArgument("\(seg.path): \(frames) frames is too short for a \(blend)-frame crossfade")
        }
        holdBack = k == assembler.input.facts.count - 1 ? 0 : blend
        picture = try SegmentPicture(segment: seg, settings: assembler.settings, path: assembler.input.displayPath)
    }

    /// Decodes the whole segment, encodes its frames and queues its audio.
    func run() throws -> ConcatReport.Segment {
        let decoder = try CodecDecoder(container: seg.container, stream: seg.videoIndex)
        let packet = Packet()
        let decoded = Frame()
        func receive() throws {
            while try decoder.receive(into: decoded) == .frame {
                defer { decoded.unref() }
                if decoded.isCorrupt { throw MediaError.decodeFailed(path: seg.path, detail: "a video frame is corrupt") }
                try take(decoded)
            }
        }
        while try seg.container.read(into: packet) {
            if packet.streamIndex == seg.audioIndex {
                try audio?.add(packet)
                continue
            }
            guard packet.streamIndex == seg.videoIndex else { continue }
            _ = try decoder.send(packet)
            try receive()
        }
        _ = try decoder.send(nil)
        try receive()
        guard let last = current else { throw MediaError.decodeFailed(path: seg.path, detail: "no video frame decoded") }
        while emitted < frames { try emit(last) }
        try queueAudio()
        let fact = assembler.input.facts[k]
        let framesOut = frames - drop - holdBack
        return ConcatReport.Segment(
            path: fact.path, video: "reencoded", reason: assembler.reasons[k], framesIn: fact.frameCount, framesOut: framesOut,
            reencodedFrames: framesOut, videoDuration: fact.duration, hasAudio: fact.hasAudio)
    }

    /// A decoded frame: the output frames before it show the previous one.
    private func take(_ frame: Frame) throws {
        let tb = seg.timeBase
        let t = Double(frame.bestEffortTimestamp - seg.startPts) * Double(tb.num) / Double(tb.den)
        // Output frame i (at i / fps) shows the newest source frame at or before it (half a frame's grace).
        while let cur = current, emitted < frames, Double(emitted) / fps.doubleValue < t - 0.5 / fps.doubleValue {
            try emit(cur)
        }
        current = try picture.convert(frame)
    }

    /// The next output frame of this segment: dropped, blended with a held frame of the previous segment, held
    /// back for the next, or encoded.
    private func emit(_ frame: Frame) throws {
        defer { emitted += 1 }
        if emitted < drop { return }
        let index = emitted - drop
        let held = assembler.held
        var out = frame
        if index < held.count {
            out = try Blend.mix(held[index], frame, weight: Double(index + 1) / Double(held.count + 1), path: assembler.input.displayPath)
        }
        if index == held.count - 1 || (held.count > 0 && index >= held.count) { assembler.held = [] }
        let remaining = frames - emitted  // frames of this segment still to come after this one
        if remaining <= holdBack {
            assembler.held.append(try Blend.copy(out, path: assembler.input.displayPath))
            return
        }
        try video.append(out)
    }

    /// Hands the audio track the segment's span: from its first kept frame up to the end of the frames written
    /// or held so far.
    private func queueAudio() throws {
        guard let audio else { return }
        let rate = Double(audio.sampleRate)
        let end = Int64((Double(video.frameCount + assembler.held.count) * rate / fps.doubleValue).rounded())
        let tb = seg.timeBase
        let start = Double(seg.startPts) * Double(tb.num) / Double(tb.den) + Double(drop) / fps.doubleValue
        try audio.end(AudioSpan(sourceStart: start, outputStart: audio.sampleCount, outputEnd: end))
    }
}
