import CFFmpeg

/// Where one segment's audio goes in a concat's output: the source sample at `sourceStart` (seconds on the
/// segment's own time line) plays at output sample `outputStart`, and the segment's part of the output ends at
/// output sample `outputEnd` (where the next segment's part starts). Both assemblers derive it from the video
/// frames a segment keeps, so that frames dropped at either end move its audio with them.
struct AudioSpan: Equatable {
    /// The segment's time (seconds) of its first kept video frame.
    var sourceStart: Double
    /// The output sample (at the output rate, counted from the output's first video frame) it plays at.
    var outputStart: Int64
    /// Just after the segment's last output sample.
    var outputEnd: Int64

    /// A span given directly (`outputEnd` is raised to `outputStart` when before it).
    init(sourceStart: Double, outputStart: Int64, outputEnd: Int64) {
        self.sourceStart = sourceStart
        self.outputStart = outputStart
        self.outputEnd = max(outputStart, outputEnd)
    }

    /// The span of a segment whose first kept video frame is at `sourcePts` (`sourceTimeBase`) and whose kept
    /// video ends at output tick `outputEndTicks` (`outputTimeBase`); `outputStart` is the previous segment's
    /// `outputEnd`, so that rounding never opens a gap or an overlap between segments.
    init(sourcePts: Int64, sourceTimeBase: AVRational, outputStart: Int64, outputEndTicks: Int64, outputTimeBase: AVRational, sampleRate: Int) {
        let rate = AVRational(num: 1, den: Int32(clamping: max(1, sampleRate)))
        self.init(
            sourceStart: Double(sourcePts) * Double(sourceTimeBase.num) / Double(max(1, sourceTimeBase.den)), outputStart: outputStart,
            outputEnd: av_rescale_q(outputEndTicks, outputTimeBase, rate))
    }

    /// Output samples the segment covers.
    var count: Int64 { outputEnd - outputStart }
}
