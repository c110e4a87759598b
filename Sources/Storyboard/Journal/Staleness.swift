/// A shot that needs a new take, and why.
public struct StaleShot: Sendable, Equatable, Codable {
    /// The shot id.
    public var id: String
    /// Why, in words: `edited`, `built on a new take of dawn`, `--redo`, ...
    public var reason: String
}

/// Which shots of a plan are stale against the journal, and what made them so.
///
/// A shot with a journaled take is stale when its definition changed since that take started (the fingerprint
/// covers the model, the parameters and the bytes of every local input, not where the files are), when the user
/// asked for a new take of it (`--redo`), or when a shot it uses is stale or now has another take in use than the one
/// it was built from. A shot without a journaled take is never stale: it is simply still to be made.
struct Staleness {
    /// The stale shots, in plan order.
    var stale: [StaleShot] = []
    /// For each stale shot, the shots at the root of its staleness (edited or redone shots, picked takes).
    private var roots: [String: Set<String>] = [:]
    /// The shots whose new takes or picks the user asked for.
    private let requested: Set<String>

    init(plan: ChainPlan, states: [String: JournalShotState], redo: Set<String>, picked: Set<String>) {
        requested = redo.union(picked)
        for shot in plan.shots {
            guard let s = states[shot.id], let take = s.take else { continue }
            var reasons: [String] = []
            var from: Set<String> = []
            let redoing = redo.contains(shot.id) && !(take.openedByRedo && !take.completed)
            if redoing {
                reasons.append("--redo")
                from.insert(shot.id)
            }
            if let f = take.fingerprint, !shot.matches(fingerprint: f) {
                reasons.append("edited")
                from.insert(shot.id)
            }
            for dep in shot.dependencies {
                if let r = roots[dep] {
                    reasons.append("built on \(dep), which gets a new take")
                    from.formUnion(r)
                } else if let recorded = take.upstream[dep], let now = states[dep]?.requestID, recorded != now {
                    reasons.append("built on another take of \(dep)")
                    from.insert(dep)
                }
            }
            guard !reasons.isEmpty else { continue }
            stale.append(StaleShot(id: shot.id, reason: reasons.joined(separator: "; ")))
            roots[shot.id] = from
        }
    }

    /// Whether the user's options already agree to a new take of `id`: every root of its staleness is a shot they
    /// asked to redo or pick, or resolved with `--resubmit`.
    func isAllowed(_ id: String, resolving: Set<String>) -> Bool {
        guard let r = roots[id] else { return true }
        return r.isSubset(of: requested.union(resolving))
    }
}
