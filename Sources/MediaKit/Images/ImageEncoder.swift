import CFFmpeg

/// An owning wrapper around an encoding `AVCodecContext`. Not `Sendable`.
final class EncoderContext {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>

    init(codec: UnsafePointer<AVCodec>, path: String) throws {
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError.outputFailed(path: path, detail: "out of memory")
        }
        self.codec = codec
        context = ctx
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }
}

/// Encodes a `PixelImage` into the bytes of a PNG (`PNGWriter`), JPEG or WebP file (FFmpeg's encoders).
enum ImageEncoder {
    /// The complete file contents for `image` in `format`.
    /// - Parameter quality: 1...100 for JPEG and WebP (default 95 and 90); ignored for PNG.
    static func encode(_ image: PixelImage, as format: ImageFormat, quality: Int?, path: String) throws -> [UInt8] {
        if format == .png { return try PNGWriter.encode(image, path: path) }
        FFmpegLibrary.ensureConfigured()
        let codecPointer: UnsafePointer<AVCodec>?
        let pixelFormat: AVPixelFormat
        switch format {
        case .png:
            codecPointer = avcodec_find_encoder(AV_CODEC_ID_PNG)
            pixelFormat = image.hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        case .jpeg:
            codecPointer = avcodec_find_encoder(AV_CODEC_ID_MJPEG)
            pixelFormat = AV_PIX_FMT_YUVJ420P
        case .webp:
            codecPointer = avcodec_find_encoder_by_name("libwebp")
            pixelFormat = image.hasAlpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P
        }
        guard let codecPointer else {
            throw MediaError.outputFailed(path: path, detail: "this FFmpeg has no \(format.rawValue) encoder")
        }
        let encoder = try EncoderContext(codec: codecPointer, path: path)
        let ctx = encoder.context
        ctx.pointee.width = Int32(image.width)
        ctx.pointee.height = Int32(image.height)
        ctx.pointee.pix_fmt = pixelFormat
        ctx.pointee.time_base = AVRational(num: 1, den: 25)
        ctx.pointee.thread_count = 1
        var frameQuality: Int32 = 0
        switch format {
        case .png:
            break
        case .jpeg:
            // quality 100 -> qscale 2 (best), 1 -> 31 (worst).
            let q = min(max(quality ?? 95, 1), 100)
            let qscale = 2 + (100 - q) * 29 / 99
            ctx.pointee.color_range = AVCOL_RANGE_JPEG
            ctx.pointee.flags |= AV_CODEC_FLAG_QSCALE
            ctx.pointee.global_quality = FF_QP2LAMBDA * Int32(qscale)
            frameQuality = ctx.pointee.global_quality
        case .webp:
            let q = Double(min(max(quality ?? 90, 1), 100))
            _ = av_opt_set_double(ctx.pointee.priv_data, "quality", q, 0)
        }
        let open = avcodec_open2(ctx, codecPointer, nil)
        if open < 0 {
            throw MediaError.outputFailed(path: path, detail: "cannot open the \(format.rawValue) encoder: \(ffErrorString(open))")
        }
        let frame = try makeFrame(image, format: pixelFormat, path: path)
        frame.pointer.pointee.quality = frameQuality
        frame.pointer.pointee.pts = 0
        var bytes: [UInt8] = []
        let packet = Packet()
        var code = avcodec_send_frame(ctx, frame.pointer)
        if code < 0 { throw MediaError.outputFailed(path: path, detail: "encoding failed: \(ffErrorString(code))") }
        code = avcodec_send_frame(ctx, nil)
        if code < 0 { throw MediaError.outputFailed(path: path, detail: "encoding failed: \(ffErrorString(code))") }
        while true {
            code = avcodec_receive_packet(ctx, packet.pointer)
            if code == cff_AVERROR_EOF { break }
            if code < 0 { throw MediaError.outputFailed(path: path, detail: "encoding failed: \(ffErrorString(code))") }
            bytes.append(contentsOf: UnsafeBufferPointer(start: packet.pointer.pointee.data, count: packet.size))
            packet.unref()
        }
        if bytes.isEmpty { throw MediaError.outputFailed(path: path, detail: "the \(format.rawValue) encoder produced no data") }
        return bytes
    }

    /// An `AVFrame` in `format` holding `image` (copied for RGB formats, converted with swscale otherwise).
    static func makeFrame(_ image: PixelImage, format: AVPixelFormat, path: String) throws -> Frame {
        let source = Frame()
        source.pointer.pointee.width = Int32(image.width)
        source.pointer.pointee.height = Int32(image.height)
        source.pointer.pointee.format = (image.hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24).rawValue
        try ffCheck(av_frame_get_buffer(source.pointer, 0), "av_frame_get_buffer", path: path)
        let rowBytes = image.width * image.bytesPerPixel
        let stride = Int(source.pointer.pointee.linesize.0)
        let base = source.pointer.pointee.data.0!
        image.pixels.withUnsafeBytes { src in
            for y in 0..<image.height {
                (base + y * stride).update(from: src.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * rowBytes, count: rowBytes)
            }
        }
        if source.pixelFormat == format { return source }
        let converted = Frame()
        converted.pointer.pointee.width = Int32(image.width)
        converted.pointer.pointee.height = Int32(image.height)
        converted.pointer.pointee.format = format.rawValue
        try ffCheck(av_frame_get_buffer(converted.pointer, 0), "av_frame_get_buffer", path: path)
        let scaler = try Scaler(
            source: (image.width, image.height, source.pixelFormat), destination: (image.width, image.height, format),
            flags: SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, path: path)
        _ = try scaler.scale(source.pointer, into: converted.pointer)
        if format == AV_PIX_FMT_YUVJ420P { converted.pointer.pointee.color_range = AVCOL_RANGE_JPEG }
        return converted
    }
}
