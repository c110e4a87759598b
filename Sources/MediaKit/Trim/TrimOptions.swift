import Foundation

/// How `Trimmer.trim` cuts.
public enum TrimMode: String, Sendable, Equatable, CaseIterable, Codable {
    /// Exactly the frames whose presentation time is in [start, end): a full re-encode for short inputs, a smart
    /// cut (re-encode the partial GOPs at the cut points, copy the rest) for long ones.
    case exact
    /// A pure stream copy with the cut points moved out to keyframes (start back, end forward).
    case keyframe
}

/// How the video of a trimmed file was produced.
public enum TrimMethod: String, Sendable, Equatable, Codable {
    /// Every output frame was decoded and re-encoded.
    case fullReencode = "full-reencode"
    /// The partial GOPs at the cut points were re-encoded and the GOPs between them copied.
    case smartCut = "smart-cut"
    /// Every video packet was copied unchanged.
    case streamCopy = "stream-copy"
}

/// What to trim.
public struct TrimOptions: Sendable, Equatable {
    /// The start in seconds, relative to the first displayed frame.
    public var start: Double
    /// The end in seconds (exclusive), relative to the first displayed frame; nil means the end of the video.
    public var end: Double?
    /// The mode.
    public var mode: TrimMode
    /// In `exact` mode, allow a smart cut for inputs longer than `smartCutMinimumDuration` (otherwise always
    /// re-encode fully).
    public var allowSmartCut: Bool
    /// Inputs with a video stream at most this long (seconds) are always re-encoded fully in `exact` mode.
    public var smartCutMinimumDuration: Double
    /// libx264 constant rate factor for re-encoded frames.
    public var crf: Int
    /// libx264 preset for re-encoded frames.
    public var preset: String
    /// Re-encode losslessly (libx264 qp 0, which needs the High 4:4:4 Predictive profile instead of the
    /// source's); re-encoded frames then decode to exactly the source's pixels.
    public var lossless: Bool
    /// Smart cut: copy the source's AAC packets (placed within half an AAC frame of the video, nothing decoded
    /// or encoded again) instead of re-encoding the audio; false re-encodes it as the other methods do.
    public var copyAudio = true

    /// Creates options; `end` nil trims to the end of the video.
    public init(
        start: Double, end: Double?, mode: TrimMode = .exact, allowSmartCut: Bool = true, smartCutMinimumDuration: Double = 15,
        crf: Int = 16, preset: String = "veryfast", lossless: Bool = false
    ) {
        self.start = start
        self.end = end
        self.mode = mode
        self.allowSmartCut = allowSmartCut
        self.smartCutMinimumDuration = smartCutMinimumDuration
        self.crf = crf
        self.preset = preset
        self.lossless = lossless
    }
}

/// What `Trimmer.trim` produced.
public struct TrimResult: Sendable, Equatable, Codable {
    /// The input file.
    public var input: String
    /// The output file.
    public var output: String
    /// The mode asked for.
    public var mode: TrimMode
    /// How the video was produced.
    public var method: TrimMethod
    /// Why a smart cut was not used (for an exact trim that was re-encoded fully), or nil.
    public var fallbackReason: String?
    /// The requested start in seconds.
    public var requestedStart: Double
    /// The requested end in seconds (the end of the video when none was given, or when it was past the end).
    public var requestedEnd: Double
    /// The actual start in seconds (relative to the source's first displayed frame): in exact mode the time of
    /// the first frame kept (the first frame shown at or after `requestedStart`); in keyframe mode the keyframe
    /// the copy starts at (at or before `requestedStart`).
    public var actualStart: Double
    /// The actual end (exclusive) in seconds: in exact mode the last kept frame's time plus one frame; in keyframe
    /// mode the keyframe the copy stops before (at or after `requestedEnd`), or the end of the video.
    public var actualEnd: Double
    /// The number of video frames written.
    public var frames: Int
    /// Frames decoded and re-encoded.
    public var reencodedFrames: Int
    /// Frames whose packets were copied.
    public var copiedFrames: Int
    /// The duration of the output video in seconds.
    public var videoDuration: Double
    /// The duration of the output audio in seconds (samples written / rate), or nil without audio.
    public var audioDuration: Double?
    /// "copied" (the source's AAC packets) or "reencoded", nil without audio.
    public var audioMethod: String? = nil

    enum CodingKeys: String, CodingKey {
        case input, output, mode, method
        case fallbackReason = "fallback_reason"
        case requestedStart = "requested_start"
        case requestedEnd = "requested_end"
        case actualStart = "actual_start"
        case actualEnd = "actual_end"
        case frames
        case reencodedFrames = "reencoded_frames"
        case copiedFrames = "copied_frames"
        case videoDuration = "video_duration"
        case audioDuration = "audio_duration"
        case audioMethod = "audio_method"
    }

    /// The result as one JSON object.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// A short human-readable summary.
    public func summary() -> String {
        var text = "\(output): \(frames) frames, \(decimalText(videoDuration)) s"
        if let audioDuration { text += ", audio \(decimalText(audioDuration)) s" }
        text += " (\(method.rawValue)"
        if method == .smartCut { text += ": \(reencodedFrames) re-encoded, \(copiedFrames) copied" }
        text += ")\n"
        text += "cut points: \(decimalText(actualStart)) s to \(decimalText(actualEnd)) s"
        if mode == .keyframe { text += " (requested \(decimalText(requestedStart)) s to \(decimalText(requestedEnd)) s)" }
        text += "\n"
        if let fallbackReason { text += "full re-encode because \(fallbackReason)\n" }
        return text
    }
}
