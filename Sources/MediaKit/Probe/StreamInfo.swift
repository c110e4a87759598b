/// One stream of a file. The kind-specific fields are in `video`, `audio` or `image`;
/// in JSON they sit directly in the stream object (`"width"`, `"sample_rate"`, ...).
public struct StreamInfo: Sendable, Equatable, Codable {
    /// The stream index in the container (ffprobe's `index`).
    public var index: Int
    /// What the stream carries.
    public var kind: StreamKind
    /// The codec's short name ("h264", "aac", "png"), as ffprobe's `codec_name`.
    public var codec: String
    /// The codec profile name ("High", "Main 10", "LC"), when the codec has one.
    public var profile: String?
    /// The container's codec tag as text ("avc1", "hvc1", "mp4a"), nil when the container has none.
    public var codecTag: String?
    /// The stream time base; timestamps below are in these units.
    public var timeBase: Rational
    /// The first displayed timestamp in seconds (ffprobe's stream `start_time`), when known.
    public var startTime: Double?
    /// The stream duration in seconds, edit lists applied (ffprobe's stream `duration`). When the container
    /// does not record one (Matroska) and the packets were read, it is computed as
    /// `last_pts + last packet duration - first_pts`.
    public var duration: Double?
    /// True when `duration` was computed from the packets rather than read from the container.
    public var durationFromPackets: Bool
    /// The stream bit rate in bits per second, when the container records one.
    public var bitRate: Int64?
    /// The smallest presentation timestamp of a displayed frame, in `time_base` units.
    public var firstPts: Int64?
    /// The largest presentation timestamp of a displayed frame, in `time_base` units.
    public var lastPts: Int64?
    /// Video details, for `kind == .video`.
    public var video: VideoInfo?
    /// Audio details, for `kind == .audio`.
    public var audio: AudioInfo?
    /// Image details, for `kind == .image`.
    public var image: ImageInfo?

    /// Creates a value (normally made by `MediaProbe.probe`).
    public init(
        index: Int, kind: StreamKind, codec: String, profile: String? = nil, codecTag: String? = nil,
        timeBase: Rational, startTime: Double? = nil, duration: Double? = nil, durationFromPackets: Bool = false,
        bitRate: Int64? = nil, firstPts: Int64? = nil, lastPts: Int64? = nil, video: VideoInfo? = nil,
        audio: AudioInfo? = nil, image: ImageInfo? = nil
    ) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.profile = profile
        self.codecTag = codecTag
        self.timeBase = timeBase
        self.startTime = startTime
        self.duration = duration
        self.durationFromPackets = durationFromPackets
        self.bitRate = bitRate
        self.firstPts = firstPts
        self.lastPts = lastPts
        self.video = video
        self.audio = audio
        self.image = image
    }

    /// The number of displayed frames (video) or decoded frames (audio), when known.
    public var frameCount: Int? { video?.frameCount ?? audio?.frameCount }

    enum CodingKeys: String, CodingKey {
        case index, kind, codec, profile, duration
        case codecTag = "codec_tag"
        case timeBase = "time_base"
        case startTime = "start_time"
        case durationFromPackets = "duration_from_packets"
        case bitRate = "bit_rate"
        case firstPts = "first_pts"
        case lastPts = "last_pts"
    }

    /// Decodes the flat JSON form written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        kind = try c.decode(StreamKind.self, forKey: .kind)
        codec = try c.decode(String.self, forKey: .codec)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        codecTag = try c.decodeIfPresent(String.self, forKey: .codecTag)
        timeBase = try c.decode(Rational.self, forKey: .timeBase)
        startTime = try c.decodeIfPresent(Double.self, forKey: .startTime)
        duration = try c.decodeIfPresent(Double.self, forKey: .duration)
        durationFromPackets = try c.decodeIfPresent(Bool.self, forKey: .durationFromPackets) ?? false
        bitRate = try c.decodeIfPresent(Int64.self, forKey: .bitRate)
        firstPts = try c.decodeIfPresent(Int64.self, forKey: .firstPts)
        lastPts = try c.decodeIfPresent(Int64.self, forKey: .lastPts)
        video = kind == .video ? try VideoInfo(from: decoder) : nil
        audio = kind == .audio ? try AudioInfo(from: decoder) : nil
        image = kind == .image ? try ImageInfo(from: decoder) : nil
    }

    /// Encodes one flat object: the common keys, then the kind-specific ones.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEveryKey([
            .index: index, .kind: kind, .codec: codec, .profile: profile, .codecTag: codecTag, .timeBase: timeBase, .startTime: startTime,
            .duration: duration, .durationFromPackets: durationFromPackets, .bitRate: bitRate, .firstPts: firstPts, .lastPts: lastPts,
        ])
        try video?.encode(to: encoder)
        try audio?.encode(to: encoder)
        try image?.encode(to: encoder)
    }
}

/// Details of a video stream.
public struct VideoInfo: Sendable, Equatable, Codable {
    /// Coded width in pixels (ffprobe's `width`).
    public var width: Int
    /// Coded height in pixels (ffprobe's `height`).
    public var height: Int
    /// Width as displayed: after the sample aspect ratio, then swapped with the height for 90/270 degree rotation.
    public var displayWidth: Int
    /// Height as displayed: after the sample aspect ratio, then swapped with the width for 90/270 degree rotation.
    public var displayHeight: Int
    /// Rotation in degrees from the display matrix, as ffprobe 5.1 prints it in side data (`rotation=`); 0 without one.
    public var rotation: Int
    /// The sample (pixel) aspect ratio; nil when unknown (treated as 1:1).
    public var sar: Rational?
    /// The pixel format name ("yuv420p", "yuv420p10le", "rgba").
    public var pixFmt: String?
    /// Bits per sample: ffprobe's `bits_per_raw_sample` when set, else the pixel format's first component depth.
    public var bitDepth: Int?
    /// "tv" or "pc", nil when unspecified.
    public var colorRange: String?
    /// The matrix coefficients ("bt709", "smpte170m"), nil when unspecified.
    public var colorSpace: String?
    /// The colour primaries, nil when unspecified.
    public var colorPrimaries: String?
    /// The transfer characteristics, nil when unspecified.
    public var colorTransfer: String?
    /// The average frame rate (ffprobe's `avg_frame_rate`), e.g. "24/1".
    public var frameRate: Rational?
    /// The lowest frame rate that represents all timestamps exactly (ffprobe's `r_frame_rate`).
    public var realFrameRate: Rational?
    /// Displayed frames, exact: from the index without edit-list-hidden samples, or by counting packets.
    /// For a truncated file, the frames whose data is present.
    public var frameCount: Int?
    /// Key frames in the stream (including one an edit list hides).
    public var keyframeCount: Int?
    /// True when frames are reordered (the stream has B-frames): `video_delay > 0`.
    public var hasBFrames: Bool
    /// Frames of reorder delay (ffprobe's `has_b_frames`, codec parameter `video_delay`).
    public var videoDelay: Int
    /// The codec level (ffprobe's `level`), nil when unknown.
    public var level: Int?

    /// Creates a value.
    public init(
        width: Int, height: Int, displayWidth: Int, displayHeight: Int, rotation: Int = 0, sar: Rational? = nil,
        pixFmt: String? = nil, bitDepth: Int? = nil, colorRange: String? = nil, colorSpace: String? = nil,
        colorPrimaries: String? = nil, colorTransfer: String? = nil, frameRate: Rational? = nil,
        realFrameRate: Rational? = nil, frameCount: Int? = nil, keyframeCount: Int? = nil, videoDelay: Int = 0,
        level: Int? = nil
    ) {
        self.width = width
        self.height = height
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.rotation = rotation
        self.sar = sar
        self.pixFmt = pixFmt
        self.bitDepth = bitDepth
        self.colorRange = colorRange
        self.colorSpace = colorSpace
        self.colorPrimaries = colorPrimaries
        self.colorTransfer = colorTransfer
        self.frameRate = frameRate
        self.realFrameRate = realFrameRate
        self.frameCount = frameCount
        self.keyframeCount = keyframeCount
        self.hasBFrames = videoDelay > 0
        self.videoDelay = videoDelay
        self.level = level
    }

    enum CodingKeys: String, CodingKey {
        case width, height, rotation, sar, level
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case pixFmt = "pix_fmt"
        case bitDepth = "bit_depth"
        case colorRange = "color_range"
        case colorSpace = "color_space"
        case colorPrimaries = "color_primaries"
        case colorTransfer = "color_transfer"
        case frameRate = "frame_rate"
        case realFrameRate = "r_frame_rate"
        case frameCount = "frame_count"
        case keyframeCount = "keyframe_count"
        case hasBFrames = "has_b_frames"
        case videoDelay = "video_delay"
    }

    /// Encodes every key, with `null` for unknown values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEveryKey([
            .width: width, .height: height, .displayWidth: displayWidth, .displayHeight: displayHeight, .rotation: rotation, .sar: sar,
            .pixFmt: pixFmt, .bitDepth: bitDepth, .colorRange: colorRange, .colorSpace: colorSpace, .colorPrimaries: colorPrimaries,
            .colorTransfer: colorTransfer, .frameRate: frameRate, .realFrameRate: realFrameRate, .frameCount: frameCount,
            .keyframeCount: keyframeCount, .hasBFrames: hasBFrames, .videoDelay: videoDelay, .level: level,
        ])
    }
}

/// Details of an audio stream.
public struct AudioInfo: Sendable, Equatable, Codable {
    /// Samples per second.
    public var sampleRate: Int
    /// Number of channels.
    public var channels: Int
    /// The channel layout as ffprobe prints it ("stereo", "mono", "5.1(side)"), nil when unknown.
    public var channelLayout: String?
    /// The decoder's sample format ("fltp", "s16").
    public var sampleFmt: String?
    /// Audio frames (packets) that decode to output: edit-list-hidden ones are left out.
    public var frameCount: Int?

    /// Creates a value.
    public init(sampleRate: Int, channels: Int, channelLayout: String? = nil, sampleFmt: String? = nil, frameCount: Int? = nil) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFmt = sampleFmt
        self.frameCount = frameCount
    }

    enum CodingKeys: String, CodingKey {
        case channels
        case sampleRate = "sample_rate"
        case channelLayout = "channel_layout"
        case sampleFmt = "sample_fmt"
        case frameCount = "frame_count"
    }

    /// Encodes every key, with `null` for unknown values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEveryKey([
            .sampleRate: sampleRate, .channels: channels, .channelLayout: channelLayout, .sampleFmt: sampleFmt, .frameCount: frameCount,
        ])
    }
}

/// Details of a still image.
public struct ImageInfo: Sendable, Equatable, Codable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The pixel format name ("rgb24", "rgba", "yuvj420p"), nil when the image could not be read that far.
    public var pixFmt: String?
    /// True when the pixel format has an alpha channel.
    public var hasAlpha: Bool
    /// Bits per component.
    public var bitDepth: Int?

    /// Creates a value.
    public init(width: Int, height: Int, pixFmt: String? = nil, hasAlpha: Bool = false, bitDepth: Int? = nil) {
        self.width = width
        self.height = height
        self.pixFmt = pixFmt
        self.hasAlpha = hasAlpha
        self.bitDepth = bitDepth
    }

    enum CodingKeys: String, CodingKey {
        case width, height
        case pixFmt = "pix_fmt"
        case hasAlpha = "has_alpha"
        case bitDepth = "bit_depth"
    }

    /// Encodes every key, with `null` for unknown values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEveryKey([.width: width, .height: height, .pixFmt: pixFmt, .hasAlpha: hasAlpha, .bitDepth: bitDepth])
    }
}
