import MediaKit

/// What one shot produced.
public struct ShotOutcome: Sendable, Codable, Equatable {
    /// The shot id.
    public var id: String
    /// The model slug.
    public var model: String
    /// The downloaded output, relative to the out folder.
    public var file: String
    /// The first frame (video) or the image, relative to the out folder.
    public var firstFrame: String
    /// The exact last frame (video) or the image, relative to the out folder.
    public var lastFrame: String
    /// The video duration in seconds (nil for an image).
    public var durationSeconds: Double?
    /// The cost the service reported.
    public var costUSD: Double?
    /// The request id.
    public var requestID: String?
    /// The checks made against the request (as `shotchain verify` makes them).
    public var checks: [VerificationCheck]
    /// The number of the take in use (1 for a shot made once).
    public var take: Int = 1
    /// Every take of the shot (each a paid generation), the one in use among them.
    public var takes: [TakeOutcome] = []
    /// The colour of the shot's first, middle and last frames as generated (nil for an image).
    public var colour: ShotColour?
    /// CIE76 dE of the mean Lab of the shot's last frame, as generated, against the anchor's (the chain's first
    /// video shot) first frame.
    public var driftDeltaE: Double?
    /// The same in the assembled video (after any colour match).
    public var finalDriftDeltaE: Double?
    /// `off`, `anchor` or `previous`: how the shot's colour was matched.
    public var colorMatch: String?
    /// How much of the correction was applied, 0...1.
    public var colorStrength: Double?
    /// The correction applied (ramped over the shot), nil when none.
    public var colorTransfer: LabTransfer?
    /// Frozen, black and cut spans found in the shot.
    public var findings: [ShotFinding]?
    /// Frames held at the shot's head and tail.
    public var held: HeldFrames?
    /// The picture the shot hands on to the shots that start from it when its colour is matched: its last frame
    /// with the full correction, relative to the out folder (nil: the raw `lastFrame` is handed on).
    public var seedFrame: String?
    /// What the colour step and the assembly need of a video shot (not in the report).
    var inspected: InspectedVideo?

    enum CodingKeys: String, CodingKey {
        case id, model, file, checks, take, takes, colour, findings, held
        case seedFrame = "seed_frame"
        case driftDeltaE = "drift_delta_e"
        case finalDriftDeltaE = "final_drift_delta_e"
        case colorMatch = "color_match"
        case colorStrength = "color_strength"
        case colorTransfer = "color_transfer"
        case firstFrame = "first_frame"
        case lastFrame = "last_frame"
        case durationSeconds = "duration_seconds"
        case costUSD = "cost_usd"
        case requestID = "request_id"
    }
}

/// One take of a shot: a paid generation kept in the run folder.
public struct TakeOutcome: Sendable, Codable, Equatable {
    /// The take's number.
    public var number: Int
    /// Its file, relative to the out folder (nil when it was never downloaded).
    public var file: String?
    /// Its request id.
    public var requestID: String?
    /// The cost the service reported.
    public var costUSD: Double?

    enum CodingKeys: String, CodingKey {
        case number, file
        case requestID = "request_id"
        case costUSD = "cost_usd"
    }
}

/// The PSNR of the two frames that meet at a seam.
public struct SeamOutcome: Sendable, Codable, Equatable {
    /// The earlier shot.
    public var from: String
    /// The later shot.
    public var to: String
    /// PSNR in dB of the earlier shot's last frame against the later one's first (nil when sizes differ;
    /// infinity when identical).
    public var psnr: Double?
    /// CIE76 dE of the mean Lab of the two frames that meet in the assembled video.
    public var deltaE: Double?
    /// Frames of the later shot's head removed at this seam (its held frames, the repeated first frame included).
    public var trimmedHead: Int?
    /// Frames of the earlier shot's tail removed at this seam.
    public var trimmedTail: Int?
    /// The frame difference across the seam in the assembled video over the median frame difference of the two
    /// shots (about 1 for a seam that reads as continuous motion; 0 for a repeated frame).
    public var differenceRatio: Double?
    /// The earlier shot's last frame in the assembled video, relative to the out folder.
    public var fromFrame: String?
    /// The later shot's first frame in the assembled video, relative to the out folder.
    public var toFrame: String?

    enum CodingKeys: String, CodingKey {
        case from, to, psnr
        case deltaE = "delta_e"
        case trimmedHead = "trimmed_head"
        case trimmedTail = "trimmed_tail"
        case differenceRatio = "difference_ratio"
        case fromFrame = "from_frame"
        case toFrame = "to_frame"
    }
}

/// How one shot went into the assembled video.
public struct SegmentOutcome: Sendable, Codable, Equatable {
    /// The shot id.
    public var shot: String
    /// The segment file, relative to the out folder.
    public var file: String
    /// `copied` (stream copy) or `reencoded`.
    public var video: String
    /// Why the segment was re-encoded (nil when copied).
    public var reason: String?
    /// Displayed frames in the segment.
    public var framesIn: Int
    /// Frames of it in the assembled video.
    public var framesOut: Int

    enum CodingKeys: String, CodingKey {
        case shot, file, video, reason
        case framesIn = "frames_in"
        case framesOut = "frames_out"
    }
}

/// What a finished run wrote to `report.json` (and prints with `chain --json`).
public struct ChainReport: Sendable, Codable, Equatable {
    /// The storyboard.
    public var storyboard: String
    /// Per shot, in storyboard order.
    public var shots: [ShotOutcome]
    /// Per pair of consecutive video shots.
    public var seams: [SeamOutcome]
    /// The summed reported cost in US dollars.
    public var spentUSD: Double
    /// The assembled video, relative to the out folder (nil when the storyboard has no video shot).
    public var final: String?
    /// Displayed frames in the assembled video.
    public var finalFrames: Int?
    /// The assembled video's duration in seconds.
    public var finalDurationSeconds: Double?
    /// How each shot went into the assembled video.
    public var assembly: [SegmentOutcome]?

    enum CodingKeys: String, CodingKey {
        case storyboard, shots, seams, final, assembly
        case spentUSD = "spent_usd"
        case finalFrames = "final_frames"
        case finalDurationSeconds = "final_duration_seconds"
    }
}
