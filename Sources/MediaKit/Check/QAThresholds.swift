/// The limits `ShotQA` and `HoldDetector` judge a shot's frame statistics by. Differences are in the units of
/// `FrameStatistics.lumaDifference`: the mean absolute luma difference between consecutive frames on the
/// sampling grid, over the top code value (1/255 is one code value at 8 bits).
///
/// A span "does not change" when the sum of its consecutive differences from its first frame is under a limit:
/// the sum bounds the difference of every frame in the span to the first (the triangle inequality), as FFmpeg's
/// freezedetect compares every frame with the span's first. Measured on the demo's simulator shots (a slow zoom and a
/// moving marker, H.264 at CRF 20) the smallest normal difference between consecutive frames is 0.00058 (0.15 code
/// values) and the median 0.0017 to 0.0032; on a slow `zoompan` of a picture 0.001 and 0.0016; a repeated frame
/// through the same encoder differs by under 0.00006.
public struct QAThresholds: Sendable, Equatable {
    /// A span is still when its frames stay within this of its first: 0.0056, the -45 dB of freezedetect's noise
    /// (10^(-45/20); freezedetect's mean absolute difference is over all planes and 2^depth, within 1% of this
    /// scale). Slow real motion passes it within a few frames: 3 or 4 at the demo's slowest 0.0015 per frame.
    public var stillNoise = 0.0056
    /// A still span this long or longer (in seconds, as displayed: from its first frame to the frame after its last)
    /// is a `frozen` finding.
    public var frozenSeconds = 0.5
    /// A frame is black when this share of its grid points are at or under 10% luma (blackdetect's
    /// `picture_black_ratio_th=0.98`).
    public var blackFraction = 0.98
    /// A span of black frames this long or longer (seconds, displayed) is a `black` finding.
    public var blackSeconds = 0.1
    /// A frame differing from the one before by at least this much (0.08: 20 code values over the whole picture)
    /// and `cutRatio` times the shot's median difference is a hard cut. A cut between two unrelated pictures
    /// measures 0.1 to 0.4; normal motion in generated shots 0.001 to 0.03.
    public var cutFloor = 0.08
    /// How many times the shot's median difference a cut's difference must be, at least. 5: the simulator's
    /// textured motion has a median of 0.0096 to 0.024 and its largest normal step under 3 times that, while its
    /// injected cut on a mid-tone picture measures 0.165 against a median of 0.024 (6.8 times), which 8 missed.
    public var cutRatio = 5.0
    /// The least hold limit: frames within this of the first (or the last) are held whatever the shot's motion.
    /// 0.0004 (0.1 code values, -68 dB) is 7 times an encoded repeat's difference and under the slowest normal
    /// motion measured (0.00058).
    public var holdFloor = 0.0004
    /// The hold limit is this share of the shot's median difference (between `holdFloor` and `stillNoise`), so
    /// that the first moving frame after a hold, which moves about as much as the median, is not counted held,
    /// while a hold with some noise (a generated picture that is not repeated exactly) still is.
    public var holdShare = 0.25

    /// The defaults above.
    public init() {}

    /// The limit of the summed differences from the first (or last) frame under which frames count as held, for a
    /// shot whose median difference is `medianDifference`: `holdShare` of it, kept between `holdFloor` and
    /// `stillNoise`.
    public func holdLimit(medianDifference: Double) -> Double {
        let share = medianDifference.isFinite ? holdShare * medianDifference : 0
        return min(stillNoise, max(holdFloor, share))
    }
}
