extension ResumePlan {
    /// The journal read against `plan` with a run's options (`--resubmit`, `--regenerate`, `--redo`, `--pick`).
    ///
    /// - Throws: `StoryboardError.regenerationNeeded` naming every stale shot the options do not pay for, why, and
    ///   the estimated cost of regenerating them; else what `init(plan:records:journalPath:...)` throws.
    init(plan: ChainPlan, records: [JournalRecord], journalPath: String, options: ChainOptions) throws {
        do {
            try self.init(
                plan: plan, records: records, journalPath: journalPath, resubmit: options.resubmit, regenerate: options.regenerate,
                redo: options.redo, pick: options.pick)
        } catch StoryboardError.journalMismatch(let path, let changed) {
            let stale = Staleness(plan: plan, states: RunJournal.states(records), redo: options.redo, picked: Set(options.pick.keys)).stale
            let listed = changed.map { id in stale.first { $0.id == id } ?? StaleShot(id: id, reason: "no longer in the storyboard") }
            let cost = plan.shots.filter { changed.contains($0.id) }.map(\.estimatedUSD).reduce(0, +)
            throw StoryboardError.regenerationNeeded(path: path, shots: listed, estimatedUSD: cost)
        }
    }
}
