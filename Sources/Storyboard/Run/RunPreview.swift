import Foundation

/// What a run on an existing out folder would do, for `chain --dry-run`: per shot, whether it is done, polled,
/// submitted or regenerated (and why), and what stops the run before paying.
public enum RunPreview {
    /// The lines, or nil when the out folder has no journal yet.
    public static func describe(_ plan: ChainPlan, options: ChainOptions) -> String? {
        let path = options.path("journal.jsonl")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let records: [JournalRecord]
        do { records = try RunJournal.read(path) } catch { return "resume: \(error)" }
        let resume: ResumePlan
        do {
            resume = try ResumePlan(plan: plan, records: records, journalPath: path, options: options)
        } catch {
            return "resume: \(error)"
        }
        let states = RunJournal.states(records)
        var lines = ["resume from \(path): $\(money(resume.spentUSD)) spent so far"]
        for shot in plan.shots {
            let take = states[shot.id]?.current.map { " (take \($0))" } ?? ""
            let what: String
            if let stale = resume.regenerated.first(where: { $0.id == shot.id }) {
                what = "new take, ~$\(money(shot.estimatedUSD)): \(stale.reason)"
            } else {
                switch resume.actions[shot.id] ?? .submit {
                case .submit: what = "submit, ~$\(money(shot.estimatedUSD))"
                case .poll(let id, _, _): what = "poll request \(id)\(take)"
                case .postProcess: what = "check the download\(take)"
                case .done: what = "done\(take)"
                }
            }
            lines.append("  \(shot.id): \(what)")
        }
        return lines.joined(separator: "\n")
    }
}
