import CFFmpeg

/// Decoded audio frames converted by libswresample to planar float at another sample rate and channel layout.
/// Converted frames are stamped on the output rate's sample time line, continuing from the first input frame's
/// timestamp. Not `Sendable`.
final class AudioResampler {
    let sampleRate: Int
    let path: String
    private var context: OpaquePointer?
    private let converted = Frame()
    private var layout = AVChannelLayout()
    private var next: Int64?
    private let inputTimeBase: AVRational
    private let rate: AVRational

    /// - Parameters:
    ///   - decoder: the open decoder whose frames are converted (its rate, layout, sample format and packet
    ///     time base).
    ///   - sampleRate: the output rate.
    ///   - channels: the output channel count (its default layout); nil keeps the input's layout.
    /// - Throws: `MediaError.decodeFailed` naming `path` when libswresample refuses the conversion.
    init(decoder: UnsafeMutablePointer<AVCodecContext>, sampleRate: Int, channels: Int?, path: String) throws {
        self.sampleRate = sampleRate
        self.path = path
        inputTimeBase = decoder.pointee.pkt_timebase
        rate = AVRational(num: 1, den: Int32(clamping: max(1, sampleRate)))
        if let channels {
            av_channel_layout_default(&layout, Int32(clamping: channels))
        } else if av_channel_layout_copy(&layout, &decoder.pointee.ch_layout) < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot copy the audio channel layout")
        }
        var inLayout = decoder.pointee.ch_layout
        if inLayout.nb_channels <= 0 { av_channel_layout_default(&inLayout, 1) }
        let code = swr_alloc_set_opts2(
            &context, &layout, AV_SAMPLE_FMT_FLTP, Int32(clamping: sampleRate), &inLayout, decoder.pointee.sample_fmt,
            decoder.pointee.sample_rate, 0, nil)
        guard code >= 0, context != nil, swr_init(context) >= 0 else {
            throw MediaError.decodeFailed(
                path: path, detail: "cannot convert its audio from \(decoder.pointee.sample_rate) Hz to \(sampleRate) Hz (libswresample)")
        }
    }

    deinit {
        swr_free(&context)
        av_channel_layout_uninit(&layout)
    }

    /// Converts `frame` (nil: the samples still buffered) and hands the converted frame to `sink` (valid only
    /// during the call), its timestamp on the output rate's sample time line.
    func convert(_ frame: Frame?, into sink: (Frame) throws -> Void) throws {
        if next == nil, let frame {
            let ts = frame.bestEffortTimestamp
            next = ts == cff_AV_NOPTS_VALUE ? 0 : av_rescale_q(ts, inputTimeBase, rate)
        }
        guard let start = next else { return }
        let out = converted.pointer
        av_frame_unref(out)
        out.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        out.pointee.sample_rate = Int32(clamping: sampleRate)
        if av_channel_layout_copy(&out.pointee.ch_layout, &layout) < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot copy the audio channel layout")
        }
        let code = swr_convert_frame(context, out, frame?.pointer)
        if code < 0 { throw MediaError.decodeFailed(path: path, detail: "libswresample failed: \(ffErrorString(code))") }
        let n = Int64(out.pointee.nb_samples)
        guard n > 0 else { return }
        out.pointee.pts = start
        out.pointee.best_effort_timestamp = start
        next = start + n
        try sink(converted)
    }
}
