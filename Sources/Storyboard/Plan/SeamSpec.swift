import MediaKit

/// How a storyboard joins one video shot to the next: one of MediaKit's seam policies (spelt as `shotchain concat
/// --seam`), or `auto`, which trims each seam's held frames.
///
/// `auto` drops, at each seam, the incoming shot's first frame (the repeated seed) and the frames after it that hold
/// it, and the outgoing shot's held tail frames, at most one second per seam in all; the assembly then runs with
/// `keep` seams and those drops as explicit `SegmentEdit`s.
public enum SeamSpec: Sendable, Equatable, CustomStringConvertible {
    /// A MediaKit seam policy, applied as `concat` applies it.
    case policy(SeamPolicy)
    /// Held frames trimmed at every seam (at least the repeated first frame, at most one second).
    case auto

    /// Every frame kept.
    public static let keep = SeamSpec.policy(.keep)
    /// The first frame of every shot after the first removed.
    public static let dropFirst = SeamSpec.policy(.dropFirst)
    /// `frames` frames blended across each seam.
    public static func crossfade(frames: Int) -> SeamSpec { .policy(.crossfade(frames: frames)) }

    /// Parses `auto`, `keep`, `drop-first` or `crossfade=N`.
    public init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let policy = SeamPolicy(argument: argument) {
            self = .policy(policy)
        } else {
            return nil
        }
    }

    /// The storyboard spelling.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .policy(let p): return p.description
        }
    }
}
