/// What `MediaProbe.probe` found out about one file.
///
/// Encodes to JSON with snake_case keys; a value that is not known is encoded as `null`
/// (the key is always present), so every object of one kind has the same shape.
public struct MediaInfo: Sendable, Equatable, Codable {
    /// The path as given.
    public var path: String
    /// The demuxer's short name, as ffprobe's `format_name` ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "png_pipe").
    public var format: String
    /// The demuxer's long name ("QuickTime / MOV").
    public var formatLongName: String?
    /// The file size in bytes.
    public var size: Int64
    /// The container duration in seconds (ffprobe's format `duration`: the longest stream), when known.
    public var duration: Double?
    /// The earliest stream start time in seconds (ffprobe's format `start_time`), when known.
    public var startTime: Double?
    /// The overall bit rate in bits per second (ffprobe's format `bit_rate`), when known.
    public var bitRate: Int64?
    /// True when the file is a still image (PNG, JPEG, WebP, ...), not a video or audio container.
    public var isImage: Bool
    /// True when the file is cut short: its index refers to bytes past the end of the file, or reading stopped early.
    public var truncated: Bool
    /// True when the first frame of every video (or image) stream decoded cleanly.
    public var decodable: Bool
    /// Everything found wrong with the file, one line each; empty for a healthy file.
    public var problems: [String]
    /// The streams, in file order.
    public var streams: [StreamInfo]

    /// Creates a value (normally made by `MediaProbe.probe`).
    public init(
        path: String, format: String, formatLongName: String? = nil, size: Int64, duration: Double? = nil,
        startTime: Double? = nil, bitRate: Int64? = nil, isImage: Bool = false, truncated: Bool = false,
        decodable: Bool = true, problems: [String] = [], streams: [StreamInfo] = []
    ) {
        self.path = path
        self.format = format
        self.formatLongName = formatLongName
        self.size = size
        self.duration = duration
        self.startTime = startTime
        self.bitRate = bitRate
        self.isImage = isImage
        self.truncated = truncated
        self.decodable = decodable
        self.problems = problems
        self.streams = streams
    }

    /// True when nothing is wrong: not truncated, decodable, no problems.
    public var isHealthy: Bool { !truncated && decodable && problems.isEmpty }

    /// The first video stream, if any.
    public var video: StreamInfo? { streams.first { $0.kind == .video } }
    /// The first audio stream, if any.
    public var audio: StreamInfo? { streams.first { $0.kind == .audio } }
    /// The first image stream, if any.
    public var image: StreamInfo? { streams.first { $0.kind == .image } }

    /// The error that describes why the file is not healthy, or nil when it is.
    ///
    /// Truncation wins over everything else; then an image above the pixel limit; then a decoding problem.
    public var healthError: MediaError? {
        if isHealthy { return nil }
        let detail = problems.first ?? "not healthy"
        if truncated { return .truncated(path: path, detail: detail) }
        if let limit = pixelLimitExceeded, let image = streams.first(where: { $0.image != nil })?.image {
            return .tooManyPixels(path: path, width: image.width, height: image.height, limit: limit)
        }
        return .decodeFailed(path: path, detail: detail)
    }

    /// The pixel limit an image stream exceeded, when that is one of the problems.
    public var pixelLimitExceeded: Int?

    enum CodingKeys: String, CodingKey {
        case path, format, size, duration, truncated, decodable, problems, streams
        case formatLongName = "format_long_name"
        case startTime = "start_time"
        case bitRate = "bit_rate"
        case isImage = "is_image"
        case pixelLimitExceeded = "pixel_limit_exceeded"
    }

    /// Encodes every key, with `null` for unknown values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEveryKey([
            .path: path, .format: format, .formatLongName: formatLongName, .size: size, .duration: duration, .startTime: startTime, .bitRate: bitRate,
            .isImage: isImage, .truncated: truncated, .decodable: decodable, .problems: problems, .pixelLimitExceeded: pixelLimitExceeded,
            .streams: streams,
        ])
    }
}

/// What a stream carries.
public enum StreamKind: String, Sendable, Codable, CaseIterable {
    /// Moving pictures.
    case video
    /// Sound.
    case audio
    /// A still picture: an image file's single frame, or cover art attached to a media file.
    case image
    /// Anything else (subtitles, data, timecode).
    case other
}
