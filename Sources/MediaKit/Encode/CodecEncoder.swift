import CFFmpeg

/// An owning wrapper around an encoding `AVCodecContext`. Not `Sendable`.
///
/// Created unopened so the caller can set fields and private options, then `open()`ed.
final class CodecEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>
    /// The output file the errors name.
    let path: String
    private let packet = Packet()

    /// Allocates a context for the encoder called `name` ("libx264", "aac").
    init(name: String, path: String) throws {
        self.path = path
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaError.encodeFailed(path: path, detail: "FFmpeg has no encoder named \"\(name)\"")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate the \(name) encoder: out of memory")
        }
        self.codec = codec
        self.context = ctx
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// The encoder's name.
    var name: String { ffString(codec.pointee.name) ?? "encoder" }

    /// Sets a private option of the encoder ("preset", "crf", "x264-params").
    /// - Throws: `MediaError.encodeFailed` when the encoder has no such option or refuses the value.
    func setOption(_ key: String, _ value: String) throws {
        let code = av_opt_set(context.pointee.priv_data, key, value, 0)
        if code < 0 {
            throw MediaError.encodeFailed(path: path, detail: "\(name) option \(key)=\(value): \(ffErrorString(code))")
        }
    }

    /// True when the encoder lists `format` among its pixel formats (or lists none).
    func supportsPixelFormat(_ format: AVPixelFormat) -> Bool {
        guard let formats = codec.pointee.pix_fmts else { return true }
        var i = 0
        while formats[i] != AV_PIX_FMT_NONE {
            if formats[i] == format { return true }
            i += 1
        }
        return false
    }

    /// Makes `frame` an empty audio frame of `samples` samples in this encoder's sample format, rate and channel
    /// layout, with its buffers allocated.
    func prepareAudioFrame(_ frame: Frame, samples: Int) throws {
        let f = frame.pointer
        av_frame_unref(f)
        f.pointee.nb_samples = Int32(samples)
        f.pointee.format = context.pointee.sample_fmt.rawValue
        f.pointee.sample_rate = context.pointee.sample_rate
        if av_channel_layout_copy(&f.pointee.ch_layout, &context.pointee.ch_layout) < 0 || av_frame_get_buffer(f, 0) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate an audio frame")
        }
    }

    /// Opens the encoder with the fields and options set so far.
    /// - Parameter settings: a summary of the settings, for the error message.
    func open(describing settings: String = "its settings") throws {
        let code = avcodec_open2(context, codec, nil)
        if code < 0 {
            throw MediaError.encodeFailed(
                path: path, detail: "the \(name) encoder refused \(settings): \(ffErrorString(code))")
        }
    }

    /// Sends `frame` (nil to drain at the end) and hands every packet the encoder then has to `sink`.
    /// Packet timestamps are in the encoder's time base. The packet is only valid during the call.
    func encode(_ frame: Frame?, into sink: (Packet) throws -> Void) throws {
        var code = avcodec_send_frame(context, frame?.pointer)
        if code == cff_AVERROR_EAGAIN {
            // Cannot happen while every send is followed by a full drain; handle it anyway.
            try drain(into: sink)
            code = avcodec_send_frame(context, frame?.pointer)
        }
        if code < 0 && code != cff_AVERROR_EOF {
            throw MediaError.encodeFailed(path: path, detail: "\(name) refused a frame: \(ffErrorString(code))")
        }
        try drain(into: sink)
    }

    private func drain(into sink: (Packet) throws -> Void) throws {
        while true {
            let code = avcodec_receive_packet(context, packet.pointer)
            if code == cff_AVERROR_EAGAIN || code == cff_AVERROR_EOF { return }
            if code < 0 {
                throw MediaError.encodeFailed(path: path, detail: "\(name) failed: \(ffErrorString(code))")
            }
            defer { av_packet_unref(packet.pointer) }
            try sink(packet)
        }
    }
}
