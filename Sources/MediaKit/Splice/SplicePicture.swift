import CFFmpeg

/// The picture a re-encoded part must match so that it can sit between copied packets: size, pixel format,
/// sample aspect ratio, colour tags, time base and frame rate.
struct SplicePicture {
    var width: Int32
    var height: Int32
    var pixelFormat: AVPixelFormat
    var sampleAspectRatio: AVRational
    var colorRange: AVColorRange
    var primaries: AVColorPrimaries
    var transfer: AVColorTransferCharacteristic
    var colorSpace: AVColorSpace
    var chromaLocation: AVChromaLocation
    /// The time base of the frame timestamps given to the encoder.
    var timeBase: AVRational
    /// The nominal frame rate (set on the encoder when known).
    var frameRate: AVRational

    /// The picture of a decoded frame; `fallbackSAR` stands in when the frame has no aspect ratio.
    init(frame: Frame, fallbackSAR: AVRational, timeBase: AVRational, frameRate: AVRational) {
        let f = frame.pointer.pointee
        self.init(
            size: (f.width, f.height), pixelFormat: AVPixelFormat(rawValue: f.format),
            sampleAspectRatio: f.sample_aspect_ratio.num > 0 ? f.sample_aspect_ratio : fallbackSAR,
            color: (f.color_range, f.color_primaries, f.color_trc, f.colorspace, f.chroma_location), timeBase: timeBase, frameRate: frameRate)
    }

    /// The picture described by a stream's codec parameters, decoded as `pixelFormat`.
    init(parameters p: AVCodecParameters, pixelFormat: AVPixelFormat, timeBase: AVRational, frameRate: AVRational) {
        self.init(
            size: (p.width, p.height), pixelFormat: pixelFormat, sampleAspectRatio: p.sample_aspect_ratio,
            color: (p.color_range, p.color_primaries, p.color_trc, p.color_space, p.chroma_location), timeBase: timeBase, frameRate: frameRate)
    }

    private init(
        size: (Int32, Int32), pixelFormat: AVPixelFormat, sampleAspectRatio sar: AVRational,
        color: (AVColorRange, AVColorPrimaries, AVColorTransferCharacteristic, AVColorSpace, AVChromaLocation), timeBase: AVRational,
        frameRate: AVRational
    ) {
        (width, height) = size
        self.pixelFormat = pixelFormat
        sampleAspectRatio = sar.num > 0 && sar.den > 0 ? sar : AVRational(num: 1, den: 1)
        (colorRange, primaries, transfer, colorSpace, chromaLocation) = color
        self.timeBase = timeBase
        self.frameRate = frameRate
    }

    /// Sets the picture fields of an unopened encoder.
    func apply(to ctx: UnsafeMutablePointer<AVCodecContext>) {
        ctx.pointee.width = width
        ctx.pointee.height = height
        ctx.pointee.pix_fmt = pixelFormat
        ctx.pointee.sample_aspect_ratio = sampleAspectRatio
        ctx.pointee.color_range = colorRange
        ctx.pointee.color_primaries = primaries
        ctx.pointee.color_trc = transfer
        ctx.pointee.colorspace = colorSpace
        ctx.pointee.chroma_sample_location = chromaLocation
        ctx.pointee.time_base = timeBase
        if frameRate.num > 0 && frameRate.den > 0 { ctx.pointee.framerate = frameRate }
    }
}
