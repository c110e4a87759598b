/// Finds frozen spans, black spans and hard cuts in a shot's frame statistics (`ShotCheck` runs it on every shot;
/// the storyboard can run it on the final video's statistics too). Pure: the same statistics give the same findings.
///
/// - frozen: a span whose frames stay within `stillNoise` of its first (the sum of consecutive differences from it,
///   as freezedetect compares with the span's first frame), displayed `frozenSeconds` or longer. A span that lies
///   inside a black span is left to the black finding. A hold at the head or tail is frozen only when that long.
/// - black: consecutive frames with `darkFraction >= blackFraction`, displayed `blackSeconds` or longer.
/// - cut: a frame that differs from the one before by at least `cutFloor` and `cutRatio` times the shot's median
///   difference; not the frames into or out of a black span, nor the first frame after a frozen span (those
///   changes are the black or frozen finding). Its span runs from the frame before to the frame after the change.
///
/// Spans run from the first frame's time to the time the last one stops being displayed (the next frame's time).
public enum ShotQA {
    /// The findings in `frames` (display order), sorted by start time.
    public static func findings(in frames: [FrameStatistics], thresholds: QAThresholds = QAThresholds()) -> [ShotFinding] {
        guard !frames.isEmpty else { return [] }
        let gap = ShotMotion.frameSeconds(of: frames)
        let black = blackSpans(frames, thresholds)
        var inBlack = [Bool](repeating: false, count: frames.count)
        for span in black { for i in span { inBlack[i] = true } }
        let frozen = stillSpans(frames, limit: thresholds.stillNoise).filter { span in
            displayed(span, frames, gap) >= thresholds.frozenSeconds - 1e-6 && !span.allSatisfy { inBlack[$0] }
        }
        var afterFrozen = Set(frozen.map(\.upperBound))
        afterFrozen.remove(frames.count)
        let median = ShotMotion.medianDifference(of: frames)
        let cutLimit = max(thresholds.cutFloor, thresholds.cutRatio * median)
        var findings: [ShotFinding] = []
        for span in black {
            findings.append(span: span, kind: .black, frames, gap)
        }
        for span in frozen {
            findings.append(span: span, kind: .frozen, frames, gap)
        }
        for i in frames.indices.dropFirst() where frames[i].lumaDifference >= cutLimit {
            guard !inBlack[i], !inBlack[i - 1], !afterFrozen.contains(i) else { continue }
            findings.append(ShotFinding(kind: .cut, startSeconds: frames[i - 1].seconds, endSeconds: frames[i].seconds))
        }
        return findings.sorted { ($0.startSeconds, $0.kind.rawValue) < ($1.startSeconds, $1.kind.rawValue) }
    }

    /// The maximal runs of black frames displayed `blackSeconds` or longer.
    static func blackSpans(_ frames: [FrameStatistics], _ thresholds: QAThresholds) -> [Range<Int>] {
        let gap = ShotMotion.frameSeconds(of: frames)
        var spans: [Range<Int>] = []
        var start: Int?
        for i in 0...frames.count {
            let isBlack = i < frames.count && frames[i].darkFraction >= thresholds.blackFraction
            if isBlack, start == nil { start = i }
            if !isBlack, let s = start {
                if displayed(s..<i, frames, gap) >= thresholds.blackSeconds - 1e-6 { spans.append(s..<i) }
                start = nil
            }
        }
        return spans
    }

    /// The still spans of two frames or more, greedily as freezedetect finds them: a span starts at a frame and
    /// takes the following frames while their summed differences from it stay within `limit`; the next span starts
    /// at the first frame that leaves it.
    static func stillSpans(_ frames: [FrameStatistics], limit: Double) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var start = 0
        while start < frames.count {
            let held = HoldDetector.heldCount((start + 1)..<frames.count, frames, limit: limit)
            if held > 0 { spans.append(start..<(start + held + 1)) }
            start += held + 1
        }
        return spans
    }

    /// How long the frames of `span` are displayed.
    static func displayed(_ span: Range<Int>, _ frames: [FrameStatistics], _ gap: Double) -> Double {
        guard let last = span.last, let first = span.first else { return 0 }
        return ShotMotion.displayEnd(of: frames, last, frameSeconds: gap) - frames[first].seconds
    }
}

extension [ShotFinding] {
    fileprivate mutating func append(span: Range<Int>, kind: ShotFinding.Kind, _ frames: [FrameStatistics], _ gap: Double) {
        guard let first = span.first, let last = span.last else { return }
        append(
            ShotFinding(kind: kind, startSeconds: frames[first].seconds, endSeconds: ShotMotion.displayEnd(of: frames, last, frameSeconds: gap)))
    }
}
