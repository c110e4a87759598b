import MediaKit

/// The per-shot edits the assembly passes to `Concatenator`: each colour-matched shot's correction (ramped over it),
/// and under `seam: auto` the frames trimmed at each seam.
///
/// At a seam `auto` drops the incoming shot's first frame (it repeats the seed, the outgoing shot's last frame) and
/// the frames after it that hold it, then the outgoing shot's held tail frames, at most one second (the incoming
/// shot's frame rate, rounded) per seam in all and never fewer than the repeated first frame; every shot keeps at
/// least one frame. The concat then runs with `keep` seams, so the drops are exactly these.
struct SeamTrim {
    /// The edits, one per video shot in order.
    var edits: [SegmentEdit]
    /// The seam policy `Concatenator` runs with.
    var policy: SeamPolicy

    /// The edits of `videos` joined under `seam`.
    init(_ videos: [ShotOutcome], seam: SeamSpec) {
        edits = videos.map { v in SegmentEdit(colour: v.colorTransfer.flatMap { $0.isIdentity ? nil : $0 }) }
        switch seam {
        case .policy(let p):
            policy = p
            return
        case .auto:
            policy = .keep
        }
        for i in videos.indices.dropLast() {
            let incoming = videos[i + 1]
            let rate = incoming.inspected?.framesPerSecond ?? 0
            let budget = rate > 0 ? max(1, Int(rate.rounded())) : 1
            let head = min(1 + max(0, incoming.held?.head ?? 0), budget)
            edits[i + 1].dropHead = head
            edits[i].dropTail = min(max(0, videos[i].held?.tail ?? 0), budget - head)
        }
        // Never more than all but one frame of a shot (its frame count is known once it was inspected).
        for (i, v) in videos.enumerated() {
            guard let frames = v.inspected?.frameCount, frames > 0 else { continue }
            edits[i].dropTail = min(edits[i].dropTail, max(0, frames - 1 - edits[i].dropHead))
            edits[i].dropHead = min(edits[i].dropHead, frames - 1)
        }
    }

    /// Frames trimmed at seam `i` (between shot `i` and `i + 1`): the incoming head and the outgoing tail; nil for a
    /// crossfade (its frames are blended, not trimmed).
    func trimmed(atSeam i: Int) -> (head: Int, tail: Int)? {
        guard i + 1 < edits.count else { return nil }
        switch policy {
        case .crossfade: return nil
        case .dropFirst: return (1 + edits[i + 1].dropHead, edits[i].dropTail)
        case .keep: return (edits[i + 1].dropHead, edits[i].dropTail)
        }
    }
}
