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
        try c.encodeEveryKey([
            .path: path, .output: output, .index: index, .pts: pts, .timeBase: timeBase, .time: time, .width: width, .height: height,
            .hasAlpha: hasAlpha, .codedWidth: codedWidth, .codedHeight: codedHeight, .pixelFormat: pixelFormat, .rotation: rotation,
            .keyframeSeekAttempts: keyframeSeekAttempts, .decodedFrames: decodedFrames,
        ])
    }
}
