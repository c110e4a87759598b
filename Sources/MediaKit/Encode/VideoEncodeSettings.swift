import CFFmpeg
import Foundation

/// How a `VideoWriter` encodes audio: FFmpeg's native AAC encoder (AAC-LC, planar float).
public struct AudioEncodeSettings: Sendable, Equatable {
    /// Samples per second per channel: an AAC rate (7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000,
    /// 44100, 48000, 64000, 88200 or 96000).
    public var sampleRate: Int = 48000
    /// Number of channels (1 ... 8; 1 = mono, 2 = stereo). Samples are passed interleaved.
    public var channels: Int = 2
    /// Target bit rate in bits per second.
    public var bitRate: Int = 128_000

    /// Creates audio settings; the defaults are 48 kHz stereo at 128 kb/s.
    public init(sampleRate: Int = 48000, channels: Int = 2, bitRate: Int = 128_000) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
    }
}

/// How a `VideoWriter` encodes video (H.264 with libx264 by default), plus optional audio.
public struct VideoEncodeSettings: Sendable, Equatable {
    /// Width in pixels (even for 4:2:0 and 4:2:2 pixel formats).
    public var width: Int
    /// Height in pixels (even for 4:2:0 pixel formats).
    public var height: Int
    /// Frames per second. Frame `i` gets the presentation time `i / frameRate`.
    public var frameRate: Rational = Rational(24, 1)
    /// The FFmpeg encoder name ("libx264").
    public var codec: String = "libx264"
    /// Constant rate factor (quality; lower is better, 0 ... 51 for libx264).
    public var crf: Int = 20
    /// Encoder speed preset ("ultrafast" ... "veryslow" for libx264).
    public var preset: String = "veryfast"
    /// Encoder profile ("high", "main", "baseline"), or nil for the encoder's choice.
    public var profile: String? = "high"
    /// The encoded pixel format ("yuv420p").
    public var pixelFormat: String = "yuv420p"
    /// Frames from one keyframe to the next (a fixed GOP: scene-cut keyframes are off).
    public var gopFrames: Int = 48
    /// The largest number of consecutive B-frames (0 disables B-frames).
    public var bFrames: Int = 2
    /// The colour space written into the stream tags (primaries, transfer, matrix) and used for the
    /// RGB to YUV conversion: "bt709", or "bt601" (the same as "smpte170m"). Always limited range.
    public var colorSpace: String = "bt709"
    /// Audio settings, or nil for a file without an audio stream.
    public var audio: AudioEncodeSettings? = nil

    /// Creates settings for a `width` x `height` video; every other value has a default.
    public init(
        width: Int, height: Int, frameRate: Rational = Rational(24, 1), codec: String = "libx264", crf: Int = 20,
        preset: String = "veryfast", profile: String? = "high", pixelFormat: String = "yuv420p", gopFrames: Int = 48,
        bFrames: Int = 2, colorSpace: String = "bt709", audio: AudioEncodeSettings? = nil
    ) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.codec = codec
        self.crf = crf
        self.preset = preset
        self.profile = profile
        self.pixelFormat = pixelFormat
        self.gopFrames = gopFrames
        self.bFrames = bFrames
        self.colorSpace = colorSpace
        self.audio = audio
    }

    /// Loads an encode preset (a JSON file such as `presets/encode/h264-high.json`) for a given size and rate.
    ///
    /// The file holds a `video` object (`codec`, `crf`, `preset`, `profile`, `pix_fmt`, `gop_seconds` or
    /// `gop_frames`, optional `b_frames` and `color_space`) and an optional `audio` object (`codec` "aac",
    /// `bit_rate`, `sample_rate`, `channels`). Keys left out keep the defaults of `init`.
    /// - Throws: `MediaError.fileNotFound` or `MediaError.invalidArgument` naming the file and the problem.
    public static func preset(at url: URL, width: Int, height: Int, frameRate: Rational) throws -> VideoEncodeSettings {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            if !FileManager.default.fileExists(atPath: path) { throw MediaError.fileNotFound(path: path) }
            throw MediaError.invalidArgument("\(path): cannot read encode preset (\(error.localizedDescription))")
        }
        let file: EncodePresetFile
        do {
            file = try JSONDecoder().decode(EncodePresetFile.self, from: data)
        } catch let error as DecodingError {
            throw MediaError.invalidArgument("\(path): not a valid encode preset (\(EncodePresetFile.describe(error)))")
        }
        var settings = VideoEncodeSettings(width: width, height: height, frameRate: frameRate)
        if let v = file.video {
            if let codec = v.codec { settings.codec = codec }
            if let crf = v.crf { settings.crf = crf }
            if let preset = v.preset { settings.preset = preset }
            if let profile = v.profile { settings.profile = profile.isEmpty ? nil : profile }
            if let pixFmt = v.pix_fmt { settings.pixelFormat = pixFmt }
            if let frames = v.gop_frames {
                settings.gopFrames = frames
            } else if let seconds = v.gop_seconds {
                guard seconds > 0, frameRate.isValid else {
                    throw MediaError.invalidArgument("\(path): gop_seconds must be positive, got \(seconds)")
                }
                settings.gopFrames = max(1, Int((seconds * frameRate.doubleValue).rounded()))
            }
            if let b = v.b_frames { settings.bFrames = b }
            if let cs = v.color_space { settings.colorSpace = cs }
        }
        if let a = file.audio {
            if let codec = a.codec, codec != "aac" {
                throw MediaError.invalidArgument("\(path): audio codec \"\(codec)\" is not supported (only \"aac\")")
            }
            var audio = AudioEncodeSettings()
            if let rate = a.sample_rate { audio.sampleRate = rate }
            if let channels = a.channels { audio.channels = channels }
            if let bitRate = a.bit_rate { audio.bitRate = bitRate }
            settings.audio = audio
        }
        try settings.validate(context: path)
        return settings
    }

    /// Checks the values that can be checked without opening an encoder.
    /// - Parameter context: what to name in the error (the output path or the preset file).
    func validate(context: String) throws {
        func bad(_ message: String) -> MediaError { .invalidArgument("\(context): \(message)") }
        guard width > 0, height > 0 else { throw bad("video size \(width)x\(height) is not positive") }
        guard width <= 16384, height <= 16384 else { throw bad("video size \(width)x\(height) is larger than 16384 pixels") }
        guard frameRate.isValid, frameRate.num <= Int(Int32.max), frameRate.den <= Int(Int32.max) else {
            throw bad("frame rate \(frameRate) is not a positive rational")
        }
        guard gopFrames >= 1 else { throw bad("GOP length \(gopFrames) must be at least 1 frame") }
        guard (0...16).contains(bFrames) else { throw bad("B-frames \(bFrames) must be within 0...16") }
        guard (0...63).contains(crf) else { throw bad("CRF \(crf) must be within 0...63") }
        if codec == "libx264" {
            // Checked here: x264 itself would print its complaint to stderr before FFmpeg reports it.
            let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
            guard presets.contains(preset) else {
                throw bad("libx264 preset \"\(preset)\" is unknown (use one of \(presets.joined(separator: ", ")))")
            }
            let profiles = ["baseline", "main", "high", "high10", "high422", "high444"]
            if let profile, !profiles.contains(profile) {
                throw bad("libx264 profile \"\(profile)\" is unknown (use one of \(profiles.joined(separator: ", ")))")
            }
        }
        guard ColorSpec(name: colorSpace) != nil else {
            throw bad("colour space \"\(colorSpace)\" is not supported (use bt709, bt601 or smpte170m)")
        }
        if let audio {
            let rates = [7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000]
            guard rates.contains(audio.sampleRate) else {
                throw bad("audio sample rate \(audio.sampleRate) Hz is not an AAC rate (\(rates.map(String.init).joined(separator: ", ")))")
            }
            guard (1...8).contains(audio.channels) else { throw bad("audio channels \(audio.channels) must be within 1...8") }
            guard audio.bitRate > 0 else { throw bad("audio bit rate \(audio.bitRate) must be positive") }
        }
    }
}

/// The colour tags and RGB to YUV matrix that go with a `VideoEncodeSettings.colorSpace` name.
struct ColorSpec: Equatable {
    /// True for BT.709; false for BT.601 (SMPTE 170M).
    var isBT709: Bool

    init?(name: String) {
        switch name.lowercased() {
        case "bt709", "bt.709", "rec709": isBT709 = true
        case "bt601", "bt.601", "smpte170m", "rec601": isBT709 = false
        default: return nil
        }
    }
}

/// The JSON shape of `presets/encode/*.json`.
private struct EncodePresetFile: Decodable {
    struct Video: Decodable {
        var codec: String?
        var crf: Int?
        var preset: String?
        var profile: String?
        var pix_fmt: String?
        var gop_seconds: Double?
        var gop_frames: Int?
        var b_frames: Int?
        var color_space: String?
    }
    struct Audio: Decodable {
        var codec: String?
        var bit_rate: Int?
        var sample_rate: Int?
        var channels: Int?
    }
    var name: String?
    var description: String?
    var video: Video?
    var audio: Audio?

    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? context.debugDescription : "\(key): \(context.debugDescription)"
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return at(c)
        case .keyNotFound(let key, let c): return "missing key \(key.stringValue) \(at(c))"
        @unknown default: return "\(error)"
        }
    }
}

extension CodecEncoder {
    /// Opens the video encoder `settings` describe, as every full re-encode in shotchain does (`VideoWriter`,
    /// concat's `ConcatVideoEncoder`): the given size and pixel format, square pixels, time base 1/fps (the
    /// rate reduced), fixed GOPs without scene-cut keyframes, limited range with BT.709 or BT.601 tags, the
    /// preset, crf and profile where the encoder has those options.
    /// - Returns: the open encoder and its time base (frame i has pts i).
    static func openVideo(
        _ settings: VideoEncodeSettings, pixelFormat: AVPixelFormat, globalHeader: Bool, path: String
    ) throws -> (encoder: CodecEncoder, timeBase: AVRational, frameRate: AVRational) {
        let encoder = try CodecEncoder(name: settings.codec, path: path)
        let ctx = encoder.context
        let bt709 = ColorSpec(name: settings.colorSpace)?.isBT709 ?? true
        let rate = av_make_q(Int32(settings.frameRate.num), Int32(settings.frameRate.den))
        var reduced = AVRational()
        av_reduce(&reduced.num, &reduced.den, Int64(rate.num), Int64(rate.den), Int64(Int32.max))
        let timeBase = av_inv_q(reduced)
        ctx.pointee.width = Int32(settings.width)
        ctx.pointee.height = Int32(settings.height)
        ctx.pointee.time_base = timeBase
        ctx.pointee.framerate = reduced
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.pix_fmt = pixelFormat
        ctx.pointee.gop_size = Int32(settings.gopFrames)
        ctx.pointee.max_b_frames = Int32(settings.bFrames)
        ctx.pointee.color_range = AVCOL_RANGE_MPEG
        ctx.pointee.color_primaries = bt709 ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M
        ctx.pointee.color_trc = bt709 ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M
        ctx.pointee.colorspace = bt709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M
        ctx.pointee.thread_count = 0
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.setOptionIfKnown("preset", settings.preset)
        try encoder.setOptionIfKnown("crf", String(settings.crf))
        if let profile = settings.profile { try encoder.setOptionIfKnown("profile", profile) }
        switch encoder.name {
        case "libx264":
            // A fixed GOP: keyframes exactly every gopFrames frames, none at scene cuts.
            try encoder.setOption("x264-params", "scenecut=0")
        case "libx265":
            try encoder.setOption("x265-params", "scenecut=0:log-level=error")
        default:
            break
        }
        let profileText = settings.profile.map { "profile \($0), " } ?? ""
        try encoder.open(
            describing:
                "\(profileText)\(settings.pixelFormat), \(settings.width)x\(settings.height), \(settings.frameRate) fps, "
                + "preset \(settings.preset), crf \(settings.crf)")
        return (encoder, timeBase, reduced)
    }

    /// Sets an encoder option when the encoder has it (libx264 has them all); other encoders skip it.
    func setOptionIfKnown(_ key: String, _ value: String) throws {
        guard av_opt_find(context.pointee.priv_data, key, nil, 0, 0) != nil else { return }
        try setOption(key, value)
    }
}
