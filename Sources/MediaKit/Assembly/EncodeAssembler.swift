import CFFmpeg

/// Re-encodes every segment's video with one libx264 encoder (scaled and padded to the target size,
/// resampled to the target frame rate), applying the seam policy; audio re-encoded once. Each segment is one
/// `SegmentEncodePass`.
final class EncodeAssembler {
    let input: AssemblyInput
    let reasons: [String]
    let settings: VideoEncodeSettings

    // State carried from one segment to the next.
    /// Frames of the previous segment held back to blend with this one's first.
    var held: [Frame] = []
    /// Audio samples (per channel) handed to the encoder so far.
    var totalSamples = 0

    init(_ input: AssemblyInput, reasons: [String], settings: VideoEncodeSettings) {
        self.input = input
        self.reasons = reasons
        self.settings = settings
    }

    func run() throws -> ([ConcatReport.Segment], Int, Double) {
        try settings.validate(context: input.displayPath)
        let output = try OutputContainer(path: input.path)
        let video = try ConcatVideoEncoder(settings: settings, output: output)
        let audioEncoder = try input.audio.map {
            try ConcatAudioEncoder(output: output, sampleRate: $0.rate, channels: $0.channels, bitRate: input.audioBitRate)
        }
        let fps = settings.frameRate
        let videoTimeBase = AVRational(num: Int32(clamping: fps.den), den: Int32(clamping: fps.num))
        try output.writeHeader(
            fastStart: true, movieTimescale: OutputContainer.movieTimescale(videoTimeBase: videoTimeBase, sampleRate: input.audio?.rate))
        var reports: [ConcatReport.Segment] = []
        for k in input.facts.indices {
            let seg = k == 0 ? input.first : try ConcatSegment(path: input.facts[k].path)
            let pass = try SegmentEncodePass(assembler: self, index: k, segment: seg, video: video, audioEncoder: audioEncoder)
            reports.append(try pass.run())
        }
        try video.finish()
        try audioEncoder?.finish()
        try output.commit()
        let total = Double(video.frameCount) / fps.doubleValue
        return (reports, video.frameCount, total)
    }
}
