import Foundation

/// What happens where one segment meets the next.
public enum SeamPolicy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Keep every frame (a chained shot's first frame repeats the previous shot's last one: a one-frame hold).
    case keep
    /// Remove the first frame of every segment after the first.
    case dropFirst
    /// Blend this many frames across each seam (the output loses that many frames per seam).
    case crossfade(frames: Int)

    /// Parses `keep`, `drop-first` or `crossfade=N`.
    public init?(argument: String) {
        switch argument {
        case "keep": self = .keep
        case "drop-first": self = .dropFirst
        default:
            guard argument.hasPrefix("crossfade="), let n = Int(argument.dropFirst("crossfade=".count)), n > 0 else {
                return nil
            }
            self = .crossfade(frames: n)
        }
    }

    /// The command-line spelling.
    public var description: String {
        switch self {
        case .keep: return "keep"
        case .dropFirst: return "drop-first"
        case .crossfade(let n): return "crossfade=\(n)"
        }
    }

    /// Frames removed from the output at each seam.
    var framesRemovedPerSeam: Int {
        switch self {
        case .keep: return 0
        case .dropFirst: return 1
        case .crossfade(let n): return n
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SeamPolicy(argument: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a seam policy: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// When segment video is re-encoded instead of stream-copied.
public enum ReencodePolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Copy when every segment is compatible with the first; re-encode otherwise.
    case auto
    /// Always copy; fail naming the first incompatible segment and property.
    case never
    /// Re-encode every segment with the preset.
    case always
}

/// Settings for `Concatenator.concatenate`.
public struct ConcatOptions: Sendable, Equatable {
    /// What happens at each seam.
    public var seam: SeamPolicy
    /// When video is re-encoded.
    public var reencode: ReencodePolicy
    /// The encode preset (`presets/encode/*.json`) for re-encoded video and for the audio; nil uses built-in
    /// defaults (libx264 High CRF 18 veryfast, AAC 192 kb/s) at the first segment's size and frame rate.
    public var preset: URL?
    /// Per segment, in order: frames to drop at its head and tail and a colour correction; empty (or shorter
    /// than the segments) means no edit for the segments not given. Applied on top of `seam`.
    public var edits: [SegmentEdit]

    /// Creates options; the defaults keep seams, re-encode only when needed and use the built-in preset.
    public init(seam: SeamPolicy = .keep, reencode: ReencodePolicy = .auto, preset: URL? = nil, edits: [SegmentEdit] = []) {
        self.seam = seam
        self.reencode = reencode
        self.preset = preset
        self.edits = edits
    }
}

/// What `Concatenator` changes in one segment besides the seam policy: displayed frames removed at its head and at
/// its tail (a hold at a seam), and a colour correction ramped over the segment (none at its first frame, full at
/// its last), which re-encodes the segment's video.
///
/// The frame at index i of the segment's original displayed frames is corrected at progress `i / (frames - 1)`
/// whatever is dropped. Under `drop-first` the later segments' head drop is `max(1, dropHead)` (the frame the
/// seam removes is one of the `dropHead`); under `crossfade` the kept frames are blended. When the segments can be
/// stream-copied, only the GOPs a drop cuts inside are re-encoded (a drop ending on a GOP boundary re-encodes
/// nothing) and a corrected segment is re-encoded GOP by GOP; the other segments stay copied.
public struct SegmentEdit: Sendable, Equatable {
    /// Displayed frames removed at the start.
    public var dropHead: Int
    /// Displayed frames removed at the end.
    public var dropTail: Int
    /// The colour correction, ramped from its first frame (none) to its last (full); nil for none.
    public var colour: LabTransfer?

    /// An edit; the default changes nothing.
    public init(dropHead: Int = 0, dropTail: Int = 0, colour: LabTransfer? = nil) {
        self.dropHead = dropHead
        self.dropTail = dropTail
        self.colour = colour
    }
}

/// What `Concatenator.concatenate` did, segment by segment, and what the output turned out to be.
public struct ConcatReport: Sendable, Equatable, Codable {
    /// One input segment.
    public struct Segment: Sendable, Equatable, Codable {
        /// The segment file.
        public var path: String
        /// "copied" or "reencoded".
        public var video: String
        /// Why the segment was re-encoded (nil when copied).
        public var reason: String?
        /// Displayed video frames in the segment.
        public var framesIn: Int
        /// Frames of this segment in the output, after dropped or blended frames. Blended frames count for
        /// the earlier segment when only the seam GOPs are re-encoded, for the later one when all video is.
        public var framesOut: Int
        /// Frames of this segment that were re-encoded (0 when its video was copied whole).
        public var reencodedFrames: Int
        /// The segment's video duration in seconds.
        public var videoDuration: Double
        /// True when the segment has an audio stream (false: silence was used).
        public var hasAudio: Bool
        /// Displayed frames removed at the head (the edit's `dropHead`, or `drop-first`'s one frame) and at the
        /// tail (`dropTail`); blended frames are not counted here.
        public var droppedHead: Int = 0
        public var droppedTail: Int = 0
        /// The colour correction applied (ramped over the segment), nil for none.
        public var colour: LabTransfer? = nil
    }

    /// The output file.
    public var output: String
    /// The seam policy used.
    public var seam: SeamPolicy
    /// The re-encode policy used.
    public var reencode: ReencodePolicy
    /// Per input segment, in order.
    public var segments: [Segment]
    /// Sum of the segments' displayed frames.
    public var framesIn: Int
    /// Frames expected in (and verified to be in) the output.
    public var framesOut: Int
    /// Output video duration in seconds (re-probed).
    public var videoDuration: Double
    /// Output audio duration in seconds (re-probed), nil without audio.
    public var audioDuration: Double?
    /// The re-probed output.
    public var probe: MediaInfo

    /// The report as pretty-printed JSON with a trailing newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// A few human-readable lines.
    public func summary() -> String {
        var lines: [String] = []
        for (i, s) in segments.enumerated() {
            let why = s.reason.map { " (\($0))" } ?? ""
            let audio = s.hasAudio ? "" : ", no audio: silence"
            let drops = s.droppedHead + s.droppedTail > 0 ? " (\(s.droppedHead) dropped at the head, \(s.droppedTail) at the tail)" : ""
            let colour = s.colour == nil ? "" : ", colour-corrected"
            lines.append(
                "segment \(i + 1) \(s.path): \(s.video)\(why), \(s.framesIn) -> \(s.framesOut) frames\(drops)\(colour)\(audio)")
        }
        let audio = audioDuration.map { String(format: ", audio %.3f s", $0) } ?? ", no audio"
        lines.append(String(format: "%@: %d frames, video %.3f s", output, framesOut, videoDuration) + audio)
        return lines.joined(separator: "\n") + "\n"
    }
}
