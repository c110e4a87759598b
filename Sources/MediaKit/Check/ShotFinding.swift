/// A defect `ShotCheck` found in a shot: a frozen span, a black span or a hard cut, with its time span.
///
/// JSON keys: `kind`, `start_seconds`, `end_seconds`.
public struct ShotFinding: Sendable, Equatable, Codable {
    /// What kind of defect.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The picture stops changing for 0.5 s or more.
        case frozen
        /// The picture is black for 0.1 s or more.
        case black
        /// The picture changes all at once inside the shot (a scene change).
        case cut
    }

    /// What kind of defect.
    public var kind: Kind
    /// When it starts, in the shot's own seconds (the presentation time of its first frame; for a cut, of the last
    /// frame before it).
    public var startSeconds: Double
    /// When it ends: when its last frame stops being displayed (for a cut, the time of the first frame after it).
    public var endSeconds: Double

    /// A finding from its parts.
    public init(kind: Kind, startSeconds: Double, endSeconds: Double) {
        (self.kind, self.startSeconds, self.endSeconds) = (kind, startSeconds, endSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case kind, startSeconds = "start_seconds", endSeconds = "end_seconds"
    }
}

/// Frames at the ends of a shot that repeat their neighbour (a hold): `head` frames after the first one that
/// repeat it, `tail` frames before the last one that the last repeats (`HoldDetector` counts them).
///
/// JSON keys: `head`, `tail`.
public struct HeldFrames: Sendable, Equatable, Codable {
    /// Frames after the first that repeat it within the hold threshold.
    public var head: Int
    /// Frames at the end, before the last, that repeat the last within the threshold.
    public var tail: Int

    /// Holds of `head` and `tail` frames.
    public init(head: Int = 0, tail: Int = 0) {
        (self.head, self.tail) = (head, tail)
    }
}

/// A shot's colour in CIELAB at its first, middle and last displayed frames.
///
/// JSON keys: `first`, `middle`, `last`.
public struct ShotColour: Sendable, Equatable, Codable {
    /// The first displayed frame.
    public var first: LabStatistics
    /// The frame nearest the middle of the shot's time span.
    public var middle: LabStatistics
    /// The last displayed frame.
    public var last: LabStatistics

    /// The three frames' statistics.
    public init(first: LabStatistics, middle: LabStatistics, last: LabStatistics) {
        (self.first, self.middle, self.last) = (first, middle, last)
    }
}
