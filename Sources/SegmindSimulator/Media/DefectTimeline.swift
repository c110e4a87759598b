/// What each frame of a rendered video shows once the defects are in: which step of the motion, on which picture,
/// with how much of the colour drift, or black.
///
/// The motion has `count - hold` steps: frames 0...hold all show step 0 (the start image, exactly), frame `i` after
/// them shows step `i - hold`, so the last frame is the last step (the end image when there is one) and the frame
/// count is unchanged. A freeze shows, over its span, the frame at its start; the motion then goes on where it would
/// have been. A cut switches to the unrelated picture from its start. Black frames are black.
struct DefectTimeline: Sendable, Equatable {
    /// What one frame shows: black, or a step of the motion (0: the start image, unchanged) drawn from the start
    /// image or, after a cut, from the unrelated picture.
    enum Source: Sendable, Equatable {
        case black
        case motion(step: Int, cut: Bool)
    }

    /// Frames in the video.
    let count: Int
    /// Frames after the first that repeat it (clipped so that at least one step of motion is left).
    let hold: Int
    /// The faults of this video.
    let faults: [VideoFault]

    /// The timeline of a `count`-frame video with `defects`, for a job whose prompt is `prompt`.
    init(count: Int, defects: SimulatorDefects, prompt: String) {
        self.count = max(1, count)
        hold = min(max(0, defects.holdFrames), max(0, self.count - 2))
        faults = defects.faults(forPrompt: prompt)
    }

    /// Steps of the motion: the last frame shows step `steps - 1`.
    var steps: Int { count - hold }

    /// How far step `step` is along the motion, 0 at the start image to 1 at the last frame.
    func progress(_ step: Int) -> Double { steps > 1 ? Double(step) / Double(steps - 1) : 0 }

    /// What frame `index` shows.
    func source(_ index: Int) -> Source {
        // A freeze covering the frame shows its first frame (which may itself lie in an earlier freeze).
        var shown = index
        for _ in faults {
            guard let start = faults.filter({ $0.kind == .freeze && $0.covers(shown) }).map(\.firstFrame).min(), start < shown else { break }
            shown = start
        }
        if faults.contains(where: { $0.kind == .black && $0.covers(index) }) { return .black }
        return .motion(step: max(0, shown - hold), cut: faults.contains { $0.kind == .cut && $0.covers(shown) })
    }
}
