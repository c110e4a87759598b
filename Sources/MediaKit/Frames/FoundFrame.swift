import CFFmpeg

/// A decoded frame chosen by a selector, before conversion.
struct FoundFrame {
    var frame: Frame
    var index: Int?
    var seeks: Int
    /// The reader that decoded the frame when it is not the one the search started with.
    var reader: VideoReader? = nil

    /// Converts the frame to an upright RGB(A) picture at display size.
    func finish(reader: VideoReader, pixelLimit: Int) throws -> ExtractedFrame {
        let picture = try PictureConverter.convert(frame, stream: reader.stream, path: reader.path, pixelLimit: pixelLimit)
        let tb = reader.timeBase
        let pts = frame.timestamp
        let image = picture.image
        let details = FrameReport(
            path: reader.path, output: nil, index: index, pts: pts, timeBase: Rational(tb).description, time: seconds(pts, tb) ?? 0,
            width: image.width, height: image.height, hasAlpha: image.hasAlpha, codedWidth: frame.width, codedHeight: frame.height,
            pixelFormat: ffString(av_get_pix_fmt_name(frame.pixelFormat)) ?? "unknown", rotation: picture.rotation,
            keyframeSeekAttempts: seeks, decodedFrames: reader.decodedFrames)
        return ExtractedFrame(image: image, details: details)
    }
}
