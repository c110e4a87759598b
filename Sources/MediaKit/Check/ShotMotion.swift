/// Measures of a shot's own motion from its frame statistics, shared by the QA, the hold detector and the seam report.
public enum ShotMotion {
    /// The median `lumaDifference` of `frames[range]` (the range clipped to the frames), leaving out frame 0,
    /// whose difference is 0 by definition, and values that are not finite; 0 when none is left.
    public static func medianDifference(of frames: [FrameStatistics], in range: Range<Int>) -> Double {
        let lower = max(1, range.lowerBound)
        let upper = min(frames.count, range.upperBound)
        guard lower < upper else { return 0 }
        let values = frames[lower..<upper].map(\.lumaDifference).filter(\.isFinite).sorted()
        guard !values.isEmpty else { return 0 }
        let half = values.count / 2
        return values.count % 2 == 1 ? values[half] : (values[half - 1] + values[half]) / 2
    }

    /// The median `lumaDifference` over the whole shot (every frame after the first).
    public static func medianDifference(of frames: [FrameStatistics]) -> Double {
        medianDifference(of: frames, in: 0..<frames.count)
    }

    /// The usual time between frames: the median of the positive gaps between consecutive timestamps; 0 for fewer
    /// than two frames or no positive gap.
    public static func frameSeconds(of frames: [FrameStatistics]) -> Double {
        guard frames.count > 1 else { return 0 }
        let gaps = (1..<frames.count).map { frames[$0].seconds - frames[$0 - 1].seconds }.filter { $0 > 0 && $0.isFinite }.sorted()
        return gaps.isEmpty ? 0 : gaps[gaps.count / 2]
    }

    /// When frame `index` stops being displayed: the next frame's time, or for the last frame its time plus the
    /// usual gap `frameSeconds`.
    static func displayEnd(of frames: [FrameStatistics], _ index: Int, frameSeconds: Double) -> Double {
        index + 1 < frames.count ? frames[index + 1].seconds : frames[index].seconds + frameSeconds
    }
}
