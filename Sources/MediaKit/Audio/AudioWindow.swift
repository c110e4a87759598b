/// A range of a sample time line that decoded audio is cut or padded to: each decoded frame is placed at its
/// own timestamp, samples outside the window or already covered are cut, and holes become silence.
struct AudioWindow {
    /// The first sample of the window (on the source's sample time line).
    let start: Int64
    /// Just after the last sample (nil: open-ended).
    let end: Int64?
    /// The next sample of the window to fill.
    private(set) var position: Int64

    init(start: Int64, end: Int64?) {
        self.start = start
        self.end = end
        position = start
    }

    /// Where a decoded frame of `count` samples starting at sample `first` goes.
    struct Placement {
        /// Samples of silence to add before it.
        var silence: Int
        /// The frame's samples to keep.
        var keep: Range<Int>
    }

    /// Places a decoded frame of `count` samples starting at sample `first` and moves the position on.
    mutating func place(first: Int64, count: Int) -> Placement {
        let limit = end ?? Int64.max
        let lo = max(first, position)
        let hi = min(first &+ Int64(count), limit)
        var silence = 0
        if lo > position && position < limit {
            let filled = min(lo, limit)
            silence = Int(filled - position)
            position = filled
        }
        guard hi > lo else { return Placement(silence: silence, keep: 0..<0) }
        position = hi
        return Placement(silence: silence, keep: Int(lo - first)..<Int(hi - first))
    }

    /// True once frames starting at `first` lie wholly after the window.
    func isPast(_ first: Int64) -> Bool {
        end.map { first >= $0 } ?? false
    }

    /// The silence that pads the window to its end.
    var remaining: Int { end.map { Int(max(0, $0 - position)) } ?? 0 }
}
