import CFFmpeg

/// Re-encodes every segment's video with one libx264 encoder (scaled and padded to the target size,
/// resampled to the target frame rate), applying the seam policy; audio through a `ConcatAudioOutput` (AAC packets
/// copied, or re-encoded once). Each segment is one
/// `SegmentEncodePass`.
final class EncodeAssembler {
    let input: AssemblyInput
    let reasons: [String]
    let settings: VideoEncodeSettings

    // State carried from one segment to the next.
    /// Frames of the previous segment held back to blend with this one's first.
    var held: [Frame] = []

    init(_ input: AssemblyInput, reasons: [String], settings: VideoEncodeSettings) {
        self.input = input
        self.reasons = reasons
        self.settings = settings
    }

    func run() throws -> ([ConcatReport.Segment], Int, Double, ConcatAudioReport?) {
        try settings.validate(context: input.displayPath)
        let output = try OutputContainer(path: input.path)
        let video = try ConcatVideoEncoder(settings: settings, output: output)
        let audioTrack = try ConcatAudioPlan.makeTrack(input, output: output)
        let fps = settings.frameRate
        let videoTimeBase = AVRational(num: Int32(clamping: fps.den), den: Int32(clamping: fps.num))
        try output.writeHeader(
            fastStart: true, movieTimescale: OutputContainer.movieTimescale(videoTimeBase: videoTimeBase, sampleRate: input.audio?.rate))
        var reports: [ConcatReport.Segment] = []
        for k in input.facts.indices {
            let seg = k == 0 ? input.first : try ConcatSegment(path: input.facts[k].path)
            let pass = try SegmentEncodePass(assembler: self, index: k, segment: seg, video: video, audio: audioTrack)
            reports.append(try pass.run())
        }
        try video.finish()
        let audioReport = try audioTrack?.finish()
        try output.commit()
        let total = Double(video.frameCount) / fps.doubleValue
        return (reports, video.frameCount, total, audioReport)
    }
}
