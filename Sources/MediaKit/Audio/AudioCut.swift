import CFFmpeg

/// Decoded audio cut or padded to a window of its sample time line: each decoded frame is placed at its own
/// timestamp (after the previous one when it has none), converted to planar float at the output channel count,
/// and handed on in blocks with silence for the holes and, at `finish`, up to the window's end. Trim feeds the
/// blocks to an `AACEncoder` as they come; concat collects a segment's blocks and takes its part of them.
final class AudioCut {
    let channels: Int
    let path: String
    private let timeBase: AVRational
    private let rate: AVRational
    private var window: AudioWindow
    private let emit: ([[Float]]) throws -> Void

    /// - Parameters:
    ///   - timeBase: the time base of the decoded frames' timestamps.
    ///   - sampleRate: the decoded (and output) sample rate.
    ///   - window: the samples to keep, on the time line of `sampleRate` samples counted from timestamp 0.
    ///   - emit: receives each block (one array per channel).
    init(timeBase: AVRational, sampleRate: Int, channels: Int, window: AudioWindow, path: String, emit: @escaping ([[Float]]) throws -> Void) {
        self.timeBase = timeBase
        rate = AVRational(num: 1, den: Int32(clamping: max(1, sampleRate)))
        self.channels = channels
        self.window = window
        self.path = path
        self.emit = emit
    }

    /// True once decoded frames lie wholly past the window (the rest of the input can be skipped).
    private(set) var isComplete = false

    /// Places one decoded frame.
    func add(_ frame: Frame) throws {
        let count = Int(frame.pointer.pointee.nb_samples)
        guard count > 0, !isComplete else { return }
        let ts = frame.bestEffortTimestamp
        let first = ts == cff_AV_NOPTS_VALUE ? window.position : av_rescale_q(ts, timeBase, rate)
        if window.isPast(first) {
            isComplete = true
            return
        }
        let placement = window.place(first: first, count: count)
        try silence(placement.silence)
        guard !placement.keep.isEmpty else { return }
        try emit(try AudioSamples.planes(of: frame, range: placement.keep, channels: channels, path: path))
    }

    /// Pads the window to its end with silence.
    func finish() throws {
        try silence(window.remaining)
        isComplete = true
    }

    private func silence(_ count: Int) throws {
        guard count > 0 else { return }
        try emit(Array(repeating: [Float](repeating: 0, count: count), count: channels))
    }
}
