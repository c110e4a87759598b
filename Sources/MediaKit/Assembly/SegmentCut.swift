/// One segment's `SegmentEdit` resolved against its GOPs and the seam policy: the displayed frames kept, the
/// colour correction, and per GOP whether the copy path copies it, skips it or re-encodes part or all of it.
///
/// The drops combine with the seam policy by taking the larger: under `drop-first` a later segment loses
/// `max(1, dropHead)` frames at its head (the frame `drop-first` removes is one of the `dropHead` ones), under
/// `keep` exactly `dropHead`; `dropTail` always counts alone. Under `crossfade`, the blend is made of the frames
/// kept after the drops.
struct SegmentCut {
    /// Displayed frames removed at the head and at the tail.
    let head: Int
    let tail: Int
    /// The correction (never the identity), ramped over the segment's original frames.
    let colour: LabTransfer?
    /// The segment's displayed frames before the cut.
    let frameCount: Int
    /// The displayed index each GOP starts at (0 first).
    let gopStarts: [Int]
    /// True when the edit (not only the seam policy) changes the segment.
    let isEdited: Bool

    /// What the copy path does with one GOP.
    enum Treatment: Equatable {
        case copy
        case skip
        /// Decoded and re-encoded, keeping these displayed frames (segment-wide indices).
        case reencode(Range<Int>)
    }

    /// The displayed frames kept.
    var kept: Range<Int> { head..<max(head, frameCount - tail) }

    /// The displayed frames of GOP `g`.
    func frames(ofGOP g: Int) -> Range<Int> {
        let end = g + 1 < gopStarts.count ? gopStarts[g + 1] : frameCount
        return gopStarts[g]..<max(gopStarts[g], end)
    }

    /// What happens to GOP `g` (a GOP past the last known one is skipped: the copy pass then reports it).
    func treatment(ofGOP g: Int) -> Treatment {
        guard g >= 0, g < gopStarts.count else { return .skip }
        let all = frames(ofGOP: g)
        let keep = all.clamped(to: kept)
        if keep.isEmpty { return .skip }
        if colour == nil && keep == all { return .copy }
        return .reencode(keep)
    }

    /// The GOPs re-encoded, in order.
    var reencodedGOPs: [Int] {
        gopStarts.indices.filter { if case .reencode = treatment(ofGOP: $0) { return true } else { return false } }
    }

    /// Frames re-encoded.
    var reencodedFrames: Int {
        gopStarts.indices.reduce(0) { n, g in
            if case .reencode(let keep) = treatment(ofGOP: g) { return n + keep.count }
            return n
        }
    }

    /// The ramp position of displayed frame `i`: `i / (frameCount - 1)` (0 for a one-frame segment).
    func progress(ofFrame i: Int) -> Double {
        frameCount > 1 ? Double(i) / Double(frameCount - 1) : 0
    }

    /// The cuts of `facts` under `edits` and `seam`.
    /// - Throws: `MediaError.invalidArgument` naming the segment for more edits than segments, a negative drop,
    ///   drops that leave no frame or a colour transfer with a non-finite number.
    static func resolve(_ edits: [SegmentEdit], facts: [SegmentFacts], seam: SeamPolicy) throws -> [SegmentCut] {
        guard edits.count <= facts.count else {
            throw MediaError.invalidArgument("concat: \(edits.count) segment edits for \(facts.count) segments")
        }
        return try facts.enumerated().map { k, fact in
            let edit = k < edits.count ? edits[k] : SegmentEdit()
            let name = "\(fact.path) (segment \(k + 1))"
            guard edit.dropHead >= 0, edit.dropTail >= 0 else {
                throw MediaError.invalidArgument("\(name): frames to drop cannot be negative (head \(edit.dropHead), tail \(edit.dropTail))")
            }
            let seamDrop = seam == .dropFirst && k > 0 ? 1 : 0
            let head = max(edit.dropHead, seamDrop)
            let isEdited = edit.dropHead > seamDrop || edit.dropTail > 0 || !(edit.colour?.isIdentity ?? true)
            // The seam policy alone may empty a one-frame segment (as drop-first always could); an edit may not.
            if isEdited, edit.dropTail > fact.frameCount || head >= fact.frameCount - edit.dropTail {
                throw MediaError.invalidArgument(
                    "\(name): dropping \(head) head and \(edit.dropTail) tail frames of its \(fact.frameCount) leaves no frame")
            }
            if let c = edit.colour, !(c.matrix + c.offset).allSatisfy(\.isFinite) {
                throw MediaError.invalidArgument("\(name): the colour transfer has a number that is not finite")
            }
            return SegmentCut(
                head: head, tail: edit.dropTail, colour: edit.colour.flatMap { $0.isIdentity ? nil : $0 }, frameCount: fact.frameCount,
                gopStarts: fact.keyframeIndices.isEmpty ? [0] : fact.keyframeIndices, isEdited: isEdited)
        }
    }
}
