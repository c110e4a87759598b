import CFFmpeg

/// The last-displayed-frame rule (research/ffmpeg.md §1.3): of the frames a decoder hands out, a player shows last
/// the one with the greatest timestamp; on a tie the later one.
///
/// Shared by `FrameExtractor`'s tail passes, its whole-file fallback, and `ShotCheck`'s single decode pass.
/// Not `Sendable` (it holds a `Frame`).
struct LatestFrame {
    /// Whether a frame without a timestamp counts as later than the kept one: true when decoding from the start of
    /// the stream (output order is display order), false for a tail pass after a seek.
    let untimedIsLater: Bool
    /// The kept frame (empty until `kept`).
    let frame = Frame()
    /// The kept frame's timestamp (`AV_NOPTS_VALUE`, which is `Int64.min`, until a frame with one is kept).
    private(set) var timestamp = Int64.min
    /// True once a frame is kept.
    private(set) var kept = false

    /// Keeps `candidate` (moving its picture out, leaving it empty) when it is displayed at or after the kept one.
    mutating func offer(_ candidate: Frame) {
        let t = candidate.timestamp
        guard t == cff_AV_NOPTS_VALUE ? untimedIsLater : t >= timestamp else { return }
        timestamp = t
        frame.take(from: candidate)
        kept = true
    }
}
