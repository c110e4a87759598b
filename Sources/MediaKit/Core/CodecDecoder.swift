import CFFmpeg

/// What a decoder had to give when asked for a frame.
enum DecodeResult {
    /// A frame was written into the frame passed in.
    case frame
    /// The decoder needs more input before it can output.
    case needsInput
    /// The decoder is fully drained.
    case endOfStream
}

/// An owning wrapper around a decoding `AVCodecContext`. Not `Sendable`.
final class CodecDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let path: String
    /// Error-level messages the decoder (or one of its frame threads) logged; see `cff_log_callback`.
    private let errorMessages: UnsafeMutablePointer<Int32>

    /// Opens a decoder for `stream` of `container`.
    /// - Parameter threads: 0 lets FFmpeg choose; 1 decodes on the calling thread.
    /// - Parameter threadType: `FF_THREAD_FRAME | FF_THREAD_SLICE` (FFmpeg's default) or one of them.
    init(container: InputContainer, stream index: Int, threads: Int32 = 0, threadType: Int32 = FF_THREAD_FRAME | FF_THREAD_SLICE) throws {
        path = container.path
        let st = container.stream(index)
        let par = st.pointee.codecpar!
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            let name = ffString(avcodec_get_name(par.pointee.codec_id)) ?? "unknown"
            throw MediaError.decodeFailed(path: container.path, detail: "no decoder for codec \(name)")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError.ffmpeg(path: path, operation: "avcodec_alloc_context3", code: cff_AVERROR_ENOMEM, message: "out of memory")
        }
        context = ctx
        errorMessages = .allocate(capacity: 1)
        errorMessages.initialize(to: 0)
        FFmpegLibrary.ensureConfigured()
        ctx.pointee.opaque = UnsafeMutableRawPointer(errorMessages)
        try ffCheck(avcodec_parameters_to_context(ctx, par), "avcodec_parameters_to_context", path: path)
        ctx.pointee.pkt_timebase = st.pointee.time_base
        ctx.pointee.thread_count = threads
        ctx.pointee.thread_type = threadType
        let code = avcodec_open2(ctx, codec, nil)
        if code < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot open decoder: \(ffErrorString(code))")
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
        errorMessages.deallocate()
    }

    /// How many error-level messages the decoder has logged so far, from any of its threads. FFmpeg 5.1's
    /// frame threading can lose the error a worker returns while the decoder drains; the log still has it.
    var errorMessageCount: Int { Int(cff_error_count(errorMessages)) }

    /// Sends a packet (or nil to start draining). EAGAIN is reported as `false`: receive first.
    func send(_ packet: Packet?) throws -> Bool {
        let code = avcodec_send_packet(context, packet?.pointer)
        if code == cff_AVERROR_EAGAIN { return false }
        if code == cff_AVERROR_EOF { return true }
        if code < 0 {
            throw MediaError.decodeFailed(path: path, detail: ffErrorString(code))
        }
        return true
    }

    /// Receives the next decoded frame into `frame`.
    func receive(into frame: Frame) throws -> DecodeResult {
        let code = avcodec_receive_frame(context, frame.pointer)
        if code == cff_AVERROR_EAGAIN { return .needsInput }
        if code == cff_AVERROR_EOF { return .endOfStream }
        if code < 0 {
            throw MediaError.decodeFailed(path: path, detail: ffErrorString(code))
        }
        return .frame
    }

    /// Drops all buffered state (after a seek).
    func flush() { avcodec_flush_buffers(context) }
}
