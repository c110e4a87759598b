import CFFmpeg
import Foundation

/// One segment of an `EncodeAssembler` run: its frames decoded, converted to the target picture and resampled
/// to the output frame rate (output frame i shows the newest kept source frame at or before i / fps from the
/// first kept one), the cut's head and tail frames left out, the kept ones colour-corrected by the cut's ramp,
/// the first blended with the previous segment's last at a crossfade seam; its audio handed to the AAC worker.
final class SegmentEncodePass {
    private let assembler: EncodeAssembler
    private let k: Int
    private let seg: ConcatSegment
    private let video: ConcatVideoEncoder
    private let audioEncoder: ConcatAudioEncoder?
    private let segAudio: SegmentAudio?
    private let picture: SegmentPicture
    private let fps: Rational
    /// Output frames of this segment (before holding back).
    private let frames: Int
    /// The source frames kept and their correction (the seam's drop-first included).
    private let cut: SegmentCut
    private let corrector: FrameColourCorrector?
    /// Source frames decoded so far, and the pts of the first kept one.
    private var decodedFrames = 0
    private var keptStart: Int64?
    /// Frames of this segment held back to blend with the next one.
    private let holdBack: Int
    private var emitted = 0
    private var current: Frame?

    init(assembler: EncodeAssembler, index k: Int, segment seg: ConcatSegment, video: ConcatVideoEncoder, audioEncoder: ConcatAudioEncoder?)
        throws
    {
        self.assembler = assembler
        self.k = k
        self.seg = seg
        self.video = video
        self.audioEncoder = audioEncoder
        try seg.rewind()
        let tb = seg.timeBase
        let videoStart = Double(seg.startPts) * Double(tb.num) / Double(tb.den)
        segAudio = try assembler.input.audio.map {
            try SegmentAudio(segment: seg, sampleRate: $0.rate, channels: $0.channels, videoStart: videoStart)
        }
        fps = assembler.settings.frameRate
        cut = assembler.input.cuts[k]
        // This thread decodes, scales and corrects while libx264's threads encode: the correction is shared out.
        let bands = min(4, ProcessInfo.processInfo.activeProcessorCount)
        corrector = cut.colour.map { FrameColourCorrector($0, bands: bands) }
        // The kept frames' share of the duration (exact for a constant frame rate).
        let kept = Double(cut.kept.count) / Double(max(1, cut.frameCount))
        frames = max(1, Int((seg.duration * kept * fps.doubleValue).rounded()))
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
                try segAudio?.decode(packet)
                continue
            }
            guard packet.streamIndex == seg.videoIndex else { continue }
            _ = try decoder.send(packet)
            try receive()
        }
        _ = try decoder.send(nil)
        try receive()
        try segAudio?.decode(nil)
        guard let last = current else { throw MediaError.decodeFailed(path: seg.path, detail: "no video frame decoded") }
        while emitted < frames { try emit(last) }
        try queueAudio()
        let fact = assembler.input.facts[k]
        let framesOut = frames - holdBack
        return ConcatReport.Segment(
            path: fact.path, video: "reencoded", reason: assembler.reasons[k], framesIn: fact.frameCount, framesOut: framesOut,
            reencodedFrames: framesOut, videoDuration: fact.duration, hasAudio: fact.hasAudio, droppedHead: cut.head,
            droppedTail: cut.tail, colour: cut.colour)
    }

    /// A decoded frame: dropped, or kept (the output frames before it show the previous one).
    private func take(_ frame: Frame) throws {
        let index = decodedFrames
        decodedFrames += 1
        guard cut.kept.contains(index) else { return }
        let start = keptStart ?? frame.bestEffortTimestamp
        keptStart = start
        let tb = seg.timeBase
        let t = Double(frame.bestEffortTimestamp - start) * Double(tb.num) / Double(tb.den)
        // Output frame i (at i / fps) shows the newest source frame at or before it (half a frame's grace).
        while let cur = current, emitted < frames, Double(emitted) / fps.doubleValue < t - 0.5 / fps.doubleValue {
            try emit(cur)
        }
        current = try picture.convert(frame, colour: corrector, progress: cut.progress(ofFrame: index))
    }

    /// The next output frame of this segment: blended with a held frame of the previous segment, held back for
    /// the next, or encoded.
    private func emit(_ frame: Frame) throws {
        defer { emitted += 1 }
        let index = emitted
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

    /// Queues the audio up to the end of the frames written or held so far.
    private func queueAudio() throws {
        guard let audioEncoder, let segAudio else { return }
        let rate = audioEncoder.sampleRate
        let end = Int((Double(video.frameCount + assembler.held.count) * Double(rate) / fps.doubleValue).rounded())
        let count = max(0, end - assembler.totalSamples)
        let skip = Int((keptSpan.from * Double(rate)).rounded())
        try audioEncoder.append(segAudio.samples(skip: skip, count: count))
        assembler.totalSamples += count
    }

    /// The span of the segment's source the output keeps, in seconds from its first displayed frame: from the
    /// first kept frame for as long as the segment's output frames last (final once `run` has decoded it).
    var keptSpan: (from: Double, to: Double) {
        let tb = seg.timeBase
        let from = Double((keptStart ?? seg.startPts) - seg.startPts) * Double(tb.num) / Double(tb.den)
        return (from, from + Double(frames) / fps.doubleValue)
    }
}
