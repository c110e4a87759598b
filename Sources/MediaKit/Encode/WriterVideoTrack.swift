import CFFmpeg

/// The video half of a `VideoWriter`: RGB to YUV conversion and the H.264 encoder.
final class WriterVideoTrack {
    let encoder: CodecEncoder
    let streamIndex: Int
    let timeBase: AVRational
    let width: Int
    let height: Int
    let bt709: Bool
    let yuv = Frame()
    /// The picture copied into FFmpeg-allocated (aligned, padded) memory, one per input layout.
    var source = Frame()
    var scaler: ImageScaler?
    var scalerHasAlpha = false
    /// The converter for decoded pictures in another format, size or range, and the (format, width, height,
    /// range) it is for.
    var decodedScaler: ImageScaler?
    var decodedScalerKey: [Int] = []

    /// The encoder pixel format, checked against the size (4:2:0 needs even width and height).
    static func pixelFormat(_ settings: VideoEncodeSettings, path: String) throws -> AVPixelFormat {
        let format = av_get_pix_fmt(settings.pixelFormat)
        guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else {
            throw MediaError.invalidArgument("\(path): unknown pixel format \"\(settings.pixelFormat)\"")
        }
        let xStep = 1 << Int(desc.pointee.log2_chroma_w)
        let yStep = 1 << Int(desc.pointee.log2_chroma_h)
        if settings.width % xStep != 0 || settings.height % yStep != 0 {
            let which =
                settings.width % xStep != 0 && settings.height % yStep != 0
                ? "width and height" : settings.width % xStep != 0 ? "width" : "height"
            throw MediaError.invalidArgument(
                "\(path): video size \(settings.width)x\(settings.height) cannot be encoded as \(settings.pixelFormat): "
                    + "the \(which) must be even")
        }
        return format
    }

    init(settings: VideoEncodeSettings, pixelFormat: AVPixelFormat, output: OutputContainer) throws {
        width = settings.width
        height = settings.height
        bt709 = ColorSpec(name: settings.colorSpace)?.isBT709 ?? true
        let opened = try CodecEncoder.openVideo(
            settings, pixelFormat: pixelFormat, globalHeader: output.wantsGlobalHeader, path: output.path)
        encoder = opened.encoder
        timeBase = opened.timeBase
        let ctx = encoder.context
        let reduced = opened.frameRate
        streamIndex = try output.addStream(for: encoder, frameRate: Rational(reduced))

        yuv.pointer.pointee.format = pixelFormat.rawValue
        yuv.pointer.pointee.width = Int32(width)
        yuv.pointer.pointee.height = Int32(height)
        yuv.pointer.pointee.color_range = AVCOL_RANGE_MPEG
        yuv.pointer.pointee.color_primaries = ctx.pointee.color_primaries
        yuv.pointer.pointee.color_trc = ctx.pointee.color_trc
        yuv.pointer.pointee.colorspace = ctx.pointee.colorspace
        if av_frame_get_buffer(yuv.pointer, 0) < 0 {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
        }
    }

    func append(_ image: PixelImage, index: Int64, output: OutputContainer) throws {
        try prepareSource(hasAlpha: image.hasAlpha, path: output.path)
        // Copy the rows into the padded source frame (swscale's SIMD readers may read past a row's end).
        let rowBytes = width * image.bytesPerPixel
        let stride = Int(source.pointer.pointee.linesize.0)
        guard let base = source.pointer.pointee.data.0 else {
            throw MediaError.encodeFailed(path: output.path, detail: "picture buffer missing")
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                (base + y * stride).update(from: pixels.baseAddress! + y * rowBytes, count: rowBytes)
            }
        }
        if av_frame_make_writable(yuv.pointer) < 0 {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
        }
        let lines = scaler!.scale(source, into: yuv)
        if lines != Int32(height) {
            throw MediaError.encodeFailed(path: output.path, detail: "RGB to YUV conversion failed (\(lines))")
        }
        yuv.pointer.pointee.pts = index
        try encoder.encode(yuv) { packet in try self.write(packet, output: output) }
    }

    func append(decoded frame: Frame, index: Int64, output: OutputContainer) throws {
        let f = frame.pointer
        guard f.pointee.width > 0, f.pointee.height > 0, f.pointee.format >= 0 else {
            throw MediaError.invalidArgument("\(output.path): picture \(index) is not a decoded video frame")
        }
        let picture: Frame
        let sameLayout = f.pointee.format == yuv.pointer.pointee.format && Int(f.pointee.width) == width && Int(f.pointee.height) == height
        if sameLayout && f.pointee.color_range != AVCOL_RANGE_JPEG {
            picture = Frame()
            if av_frame_ref(picture.pointer, f) < 0 {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot reference picture \(index)")
            }
        } else {
            let format = AVPixelFormat(rawValue: f.pointee.format)
            let size = (Int(f.pointee.width), Int(f.pointee.height))
            let key = [Int(format.rawValue), size.0, size.1, Int(f.pointee.color_range.rawValue)]
            if decodedScaler == nil || decodedScalerKey != key {
                let fullRange = f.pointee.color_range == AVCOL_RANGE_JPEG || Self.isFullRangeFormat(format) || Self.isRGB(format)
                let scaler = try ImageScaler(
                    source: format, sourceSize: size, destination: AVPixelFormat(rawValue: yuv.pointer.pointee.format),
                    destinationSize: (width, height), flags: SWS_BICUBIC | SWS_ACCURATE_RND, sourceFullRange: fullRange,
                    destinationFullRange: false, context: output.path)
                scaler.setYUVToLimitedYUV(sourceFullRange: fullRange, bt709: bt709)
                decodedScaler = scaler
                decodedScalerKey = key
            }
            if av_frame_make_writable(yuv.pointer) < 0 {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
            }
            let lines = decodedScaler!.scale(frame, into: yuv)
            if lines != Int32(height) {
                throw MediaError.encodeFailed(path: output.path, detail: "picture \(index) conversion failed (\(lines))")
            }
            picture = yuv
        }
        picture.pointer.pointee.pts = index
        // libx264 turns an input I picture into a keyframe: the source's GOP must not leak into ours.
        picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        picture.pointer.pointee.key_frame = 0
        try encoder.encode(picture) { packet in try self.write(packet, output: output) }
    }

    /// True for RGB layouts (always full range).
    static func isRGB(_ format: AVPixelFormat) -> Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    }

    /// The deprecated full-range "J" formats that carry their range in the format instead of the tag.
    static func isFullRangeFormat(_ format: AVPixelFormat) -> Bool {
        [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P].contains(format)
    }

    func flush(output: OutputContainer) throws {
        try encoder.encode(nil) { packet in try self.write(packet, output: output) }
    }

    private func write(_ packet: Packet, output: OutputContainer) throws {
        if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = 1 }
        try output.write(packet, stream: streamIndex, from: timeBase)
    }

    private func prepareSource(hasAlpha: Bool, path: String) throws {
        if scaler != nil && scalerHasAlpha == hasAlpha { return }
        let format = hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        let frame = Frame()
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        if av_frame_get_buffer(frame.pointer, 0) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate a \(width)x\(height) picture")
        }
        let newScaler = try ImageScaler(
            source: format, sourceSize: (width, height), destination: AVPixelFormat(rawValue: yuv.pointer.pointee.format),
            destinationSize: (width, height), flags: SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, sourceFullRange: true,
            destinationFullRange: false, context: path)
        newScaler.setRGBToLimitedYUV(bt709: bt709)
        source = frame
        scaler = newScaler
        scalerHasAlpha = hasAlpha
    }
}
