import CFFmpeg

/// A one-thread AAC decoder made from codec parameters, one packet in and one frame out.
final class AACFrameDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let path: String

    init(parameters: UnsafePointer<AVCodecParameters>, path: String) throws {
        self.path = path
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id), let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError.decodeFailed(path: path, detail: "no audio decoder for the segment's codec")
        }
        context = ctx
        _ = try ffCheck(avcodec_parameters_to_context(ctx, parameters), "avcodec_parameters_to_context", path: path)
        ctx.pointee.pkt_timebase = AVRational(num: 1, den: max(1, parameters.pointee.sample_rate))
        ctx.pointee.thread_count = 1
        let code = avcodec_open2(ctx, codec, nil)
        if code < 0 { throw MediaError.decodeFailed(path: path, detail: "cannot open the audio decoder: \(ffErrorString(code))") }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Decodes `packet` into `frame` (a frame with no samples when the decoder gave none).
    /// - Throws: `MediaError.decodeFailed` naming `path` when the packet does not decode.
    func decode(_ packet: Packet, into frame: Frame) throws {
        let sent = avcodec_send_packet(context, packet.pointer)
        if sent < 0 { throw MediaError.decodeFailed(path: path, detail: "an audio packet does not decode: \(ffErrorString(sent))") }
        let code = avcodec_receive_frame(context, frame.pointer)
        if code < 0 && code != cff_AVERROR_EAGAIN {
            throw MediaError.decodeFailed(path: path, detail: "an audio packet does not decode: \(ffErrorString(code))")
        }
    }
}
