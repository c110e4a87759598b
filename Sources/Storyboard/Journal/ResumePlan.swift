import Foundation

/// What a run has to do for one shot, decided from the journal before anything is sent.
public enum ShotAction: Sendable, Equatable {
    /// Nothing was sent: publish inputs and submit.
    case submit
    /// Submitted earlier: poll this request (never submit again), then download.
    case poll(requestID: String, statusURL: String, responseURL: String)
    /// Downloaded earlier: redo the post-processing (verify, frames), which is idempotent.
    case postProcess(file: String)
    /// Finished earlier.
    case done(file: String)
}

/// The journal read back against a plan: what each shot needs, what was spent, and whether the run may start.
public struct ResumePlan: Sendable, Equatable {
    /// Per shot id, the action to take.
    public var actions: [String: ShotAction]
    /// The cost the service reported for the shots already downloaded, in US dollars.
    public var spentUSD: Double
    /// Shots that `--resubmit` starts afresh (a `resubmit` record must be journaled for each before running).
    public var resubmitted: [String]

    /// Reads `records` against `plan`.
    ///
    /// - Parameter resubmit: shots the user agreed to pay for again (`--resubmit`).
    /// - Throws: `StoryboardError.journalMismatch` naming every shot whose definition changed since its work started
    ///   (unless resubmitted), then `.outcomeUnknown` for the first shot whose submit never got a request id, and
    ///   `.invalid` for a `--resubmit` id that is not in the storyboard.
    public init(plan: ChainPlan, records: [JournalRecord], journalPath: String, resubmit: Set<String> = []) throws {
        let ids = Set(plan.shots.map(\.id))
        let unknown = resubmit.subtracting(ids).sorted()
        if !unknown.isEmpty {
            throw StoryboardError.invalid(
                path: plan.storyboard.path,
                issues: unknown.map { StoryboardIssue(shot: $0, field: "--resubmit", message: "no shot with this id in the storyboard") })
        }
        let states = RunJournal.states(records)
        var changed: [String] = []
        for shot in plan.shots where !resubmit.contains(shot.id) {
            if let s = states[shot.id], let f = s.fingerprint, f != shot.fingerprint { changed.append(shot.id) }
        }
        let known = Set(plan.shots.map(\.id))
        for id in states.keys.sorted() where !known.contains(id) && states[id]?.intent == true { changed.append(id) }
        if !changed.isEmpty { throw StoryboardError.journalMismatch(path: journalPath, changed: changed) }
        var actions: [String: ShotAction] = [:]
        var spent = 0.0
        for shot in plan.shots {
            guard !resubmit.contains(shot.id), let s = states[shot.id] else {
                actions[shot.id] = .submit
                continue
            }
            if let cost = s.costUSD { spent += cost }
            if s.outcomeUnknown { throw StoryboardError.outcomeUnknown(shot: shot.id) }
            if let file = s.file {
                actions[shot.id] = s.completed ? .done(file: file) : .postProcess(file: file)
            } else if let id = s.requestID, let status = s.statusURL, let response = s.responseURL {
                actions[shot.id] = .poll(requestID: id, statusURL: status, responseURL: response)
            } else {
                actions[shot.id] = .submit
            }
        }
        // Money already paid for a shot being resubmitted still counts against the budget.
        for id in resubmit { spent += states[id]?.costUSD ?? 0 }
        self.actions = actions
        self.spentUSD = spent
        self.resubmitted = resubmit.sorted()
    }

    /// The estimated cost of the shots still to be submitted.
    public func remainingEstimateUSD(_ plan: ChainPlan) -> Double {
        plan.shots.filter { actions[$0.id] == .submit }.map(\.estimatedUSD).reduce(0, +)
    }

    /// Refuses to start when what was spent plus what is still to be submitted exceeds `maxUSD`.
    ///
    /// - Throws: `StoryboardError.overBudget`.
    public func checkBudget(_ plan: ChainPlan, maxUSD: Double?) throws {
        guard let maxUSD else { return }
        let total = spentUSD + remainingEstimateUSD(plan)
        if total > maxUSD + 1e-9 { throw StoryboardError.overBudget(estimatedUSD: total, maxUSD: maxUSD) }
    }

    /// Stops before submitting `shot` when the spent total plus its estimate would exceed `maxUSD`.
    ///
    /// - Throws: `StoryboardError.budgetReached`.
    public static func checkBeforeSubmit(_ shot: PlannedShot, spentUSD: Double, maxUSD: Double?) throws {
        guard let maxUSD else { return }
        if spentUSD + shot.estimatedUSD > maxUSD + 1e-9 {
            throw StoryboardError.budgetReached(shot: shot.id, spentUSD: spentUSD, shotUSD: shot.estimatedUSD, maxUSD: maxUSD)
        }
    }
}
