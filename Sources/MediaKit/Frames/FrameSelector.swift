/// Which displayed frame of a video to take.
///
/// Frames are counted in presentation order, as a player shows them: edit lists are honoured
/// (hidden samples do not count) and B-frame reordering is undone. Frame 0 is the first
/// displayed frame of the video stream.
public enum FrameSelector: Sendable, Hashable {
    /// The first displayed frame.
    case first
    /// The last displayed frame (the one with the greatest presentation time).
    case last
    /// The displayed frame with this zero-based index.
    case index(Int)
    /// The frame on screen at this many seconds after the first displayed frame:
    /// the last frame whose presentation time is at or before `start + seconds`.
    case time(Double)
}

/// Settings for frame extraction.
public struct FrameOptions: Sendable, Hashable {
    /// Decoding is refused (before any picture is allocated) when width x height exceeds this.
    public var pixelLimit: Int
    /// Encoder quality 1...100 for JPEG and WebP output (nil: the writer's default).
    public var quality: Int?

    /// Creates options.
    /// - Parameters:
    ///   - pixelLimit: the largest picture (width x height) that will be decoded; default 100 megapixels.
    ///   - quality: JPEG/WebP quality 1...100, nil for the default.
    public init(pixelLimit: Int = 100_000_000, quality: Int? = nil) {
        self.pixelLimit = pixelLimit
        self.quality = quality
    }
}

/// A decoded frame, upright and at display size, with where it came from.
public struct ExtractedFrame: Sendable {
    /// The picture as a player displays it: rotation applied, non-square pixels scaled, 8-bit RGB(A).
    public var image: PixelImage
    /// The file the frame was taken from.
    public var path: String
    /// The zero-based displayed-frame index, when it is known without decoding the whole file.
    public var index: Int?
    /// The presentation timestamp in `timeBase` units.
    public var pts: Int64
    /// The video stream's time base.
    public var timeBase: Rational
    /// The presentation time in seconds (`pts * timeBase`).
    public var time: Double
    /// The coded picture width before rotation and aspect correction.
    public var codedWidth: Int
    /// The coded picture height before rotation and aspect correction.
    public var codedHeight: Int
    /// The decoder's pixel format name ("yuv420p", "yuv420p10le", "rgba", ...).
    public var pixelFormat: String
    /// Clockwise rotation in degrees applied to make the picture upright (0, 90, 180, 270).
    public var rotation: Int
    /// How many keyframe seeks were made (0 when decoding started at the beginning of the file).
    public var keyframeSeekAttempts: Int
    /// How many frames the decoder produced to find this one.
    public var decodedFrames: Int

    /// The JSON-ready summary printed by `shotchain frame --json`.
    /// - Parameter output: the image file the frame was written to, if any.
    public func report(output: String?) -> FrameReport {
        FrameReport(
            path: path, output: output, index: index, pts: pts, timeBase: timeBase.description, time: time,
            width: image.width, height: image.height, hasAlpha: image.hasAlpha, codedWidth: codedWidth,
            codedHeight: codedHeight, pixelFormat: pixelFormat, rotation: rotation,
            keyframeSeekAttempts: keyframeSeekAttempts, decodedFrames: decodedFrames)
    }
}

/// The machine-readable description of an extracted frame (snake_case keys in JSON).
public struct FrameReport: Sendable, Codable, Equatable {
    /// The source file.
    public var path: String
    /// The image written, if any.
    public var output: String?
    /// The displayed-frame index, when known.
    public var index: Int?
    /// The presentation timestamp in `time_base` units.
    public var pts: Int64
    /// The video stream's time base as "num/den".
    public var timeBase: String
    /// The presentation time in seconds.
    public var time: Double
    /// The output picture width (upright, display size).
    public var width: Int
    /// The output picture height (upright, display size).
    public var height: Int
    /// True when the picture kept an alpha channel.
    public var hasAlpha: Bool
    /// The coded width.
    public var codedWidth: Int
    /// The coded height.
    public var codedHeight: Int
    /// The decoder's pixel format.
    public var pixelFormat: String
    /// The clockwise rotation applied, in degrees.
    public var rotation: Int
    /// How many keyframe seeks were made.
    public var keyframeSeekAttempts: Int
    /// How many frames were decoded.
    public var decodedFrames: Int

    enum CodingKeys: String, CodingKey {
        case path, output, index, pts, time, width, height, rotation
        case timeBase = "time_base"
        case hasAlpha = "has_alpha"
        case codedWidth = "coded_width"
        case codedHeight = "coded_height"
        case pixelFormat = "pixel_format"
        case keyframeSeekAttempts = "keyframe_seek_attempts"
        case decodedFrames = "decoded_frames"
    }

    /// Encodes `nil` optionals as JSON null so every key is always present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(output, forKey: .output)
        try c.encode(index, forKey: .index)
        try c.encode(pts, forKey: .pts)
        try c.encode(timeBase, forKey: .timeBase)
        try c.encode(time, forKey: .time)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(hasAlpha, forKey: .hasAlpha)
        try c.encode(codedWidth, forKey: .codedWidth)
        try c.encode(codedHeight, forKey: .codedHeight)
        try c.encode(pixelFormat, forKey: .pixelFormat)
        try c.encode(rotation, forKey: .rotation)
        try c.encode(keyframeSeekAttempts, forKey: .keyframeSeekAttempts)
        try c.encode(decodedFrames, forKey: .decodedFrames)
    }
}
