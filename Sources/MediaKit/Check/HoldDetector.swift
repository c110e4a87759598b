/// Finds the frames held at the head and the tail of a shot from its frame statistics: after a shot seeded with a
/// picture starts on it, it often repeats it for a few frames before it moves (and a shot may end on a hold).
///
/// Frames after the first count as held while the sum of their consecutive differences from the first stays within
/// the hold limit (`QAThresholds.holdLimit`, from the shot's median difference): the sum bounds each frame's
/// difference to the first, so a slow drift that builds up is not taken for a hold. The tail likewise, backwards
/// from the last frame.
public enum HoldDetector {
    /// The frames held at the head and at the tail of the shot whose statistics are `frames` (display order). A
    /// shot that never moves is held throughout: head and tail are both `frames.count - 1`.
    public static func held(in frames: [FrameStatistics], thresholds: QAThresholds = QAThresholds()) -> HeldFrames {
        guard frames.count > 1 else { return HeldFrames() }
        let limit = thresholds.holdLimit(medianDifference: ShotMotion.medianDifference(of: frames))
        // Frame i's difference is to frame i - 1: the head sums frames 1, 2, ...; the tail n - 1, n - 2, ...
        let head = heldCount(frames.indices.dropFirst(), frames, limit: limit)
        let tail = heldCount(frames.indices.dropFirst().reversed(), frames, limit: limit)
        return HeldFrames(head: head, tail: tail)
    }

    /// How many of the differences at `indices`, in order, add up to at most `limit` (a difference that is not
    /// finite ends the count).
    static func heldCount<S: Sequence<Int>>(_ indices: S, _ frames: [FrameStatistics], limit: Double) -> Int {
        var sum = 0.0
        var count = 0
        for i in indices {
            let d = frames[i].lumaDifference
            guard d.isFinite else { break }
            sum += abs(d)
            if sum > limit { break }
            count += 1
        }
        return count
    }
}
