import Foundation

/// What a run has to do for one shot, decided from the journal before anything is sent.
public enum ShotAction: Sendable, Equatable {
    /// Nothing was sent for the take in use: publish inputs and submit.
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
    /// The cost the service reported for every downloaded take, in US dollars.
    public var spentUSD: Double
    /// The estimated cost of the takes journaled as submitted whose cost is not known yet: they are paid for, so
    /// the budget counts them at their estimate until the service reports their cost.
    public var pendingUSD: Double { pendingEstimates.values.reduce(0, +) }
    /// Per shot (or `shot#take` for an earlier take) counted in `pendingUSD`, its estimate.
    public var pendingEstimates: [String: Double]
    /// Shots whose record `--resubmit` resolves (a `resubmit` record must be journaled for each before running).
    public var resubmitted: [String]
    /// Shots that get a new take this run (a `regenerate` record must be journaled for each before running), with why.
    public var regenerated: [StaleShot]
    /// Takes to put back in use (a `pick` record must be journaled for each before running).
    public var picked: [String: Int]
    /// Earlier takes of a shot that were submitted but never downloaded: fetched before anything else is done for the
    /// shot, so no paid output is lost.
    public var collect: [String: [TakeState]]

    /// Reads `records` against `plan`.
    ///
    /// A shot whose definition changed since its take in use started (model, parameters, the bytes of a local input),
    /// or that was built from another take of a shot it uses, is stale, and so is everything downstream of it. Stale
    /// shots get a new take only with the user's word: `regenerate` (all of them), `redo` (a new take of these shots
    /// and what depends on them), `pick` (an earlier take back in use, and what depends on it regenerated).
    /// - Parameter resubmit: shots the user agreed to pay for again (`--resubmit`).
    /// - Throws: `StoryboardError.journalMismatch` naming every stale shot the user did not agree to pay for, then
    ///   `.outcomeUnknown` for the first shot whose submit never got a request id, and `.invalid` for an unknown shot
    ///   id or take number in the options.
    public init(
        plan: ChainPlan, records: [JournalRecord], journalPath: String, resubmit: Set<String> = [], regenerate: Bool = false,
        redo: Set<String> = [], pick: [String: Int] = [:]
    ) throws {
        let journaled = RunJournal.states(records)
        var states = journaled
        try Self.checkOptions(plan, states: states, resubmit: resubmit, redo: redo, pick: pick)
        for (id, n) in pick { states[id]?.current = n }
        // --resubmit resolves a record that needs the user's word (an unknown outcome, an expired request, a changed
        // shot); once resolved it is a no-op, so the same command line never pays twice.
        let resolving = Set(
            plan.shots.filter { shot in
                guard resubmit.contains(shot.id), let s = states[shot.id] else { return false }
                return s.outcomeUnknown || (s.expired && s.file == nil) || (s.fingerprint.map { !shot.matches(fingerprint: $0) } ?? false)
            }.map(\.id))
        let staleness = Staleness(plan: plan, states: states, redo: redo, picked: Set(pick.keys))
        let allowed = staleness.stale.filter { regenerate || staleness.isAllowed($0.id, resolving: resolving) }
        let allowedIDs = Set(allowed.map(\.id))
        let refused = staleness.stale.map(\.id).filter { !allowedIDs.contains($0) }
        let ids = Set(plan.shots.map(\.id))
        let removed = states.keys.sorted().filter { !ids.contains($0) && states[$0]?.intent == true }
        if !refused.isEmpty || !removed.isEmpty { throw StoryboardError.journalMismatch(path: journalPath, changed: refused + removed) }
        let renewing = allowedIDs.subtracting(resolving)
        var actions: [String: ShotAction] = [:]
        var spent = 0.0
        var pending: [String: Double] = [:]
        var collect: [String: [TakeState]] = [:]
        for shot in plan.shots {
            guard let s = states[shot.id] else {
                actions[shot.id] = .submit
                continue
            }
            spent += s.spentUSD
            let renew = renewing.contains(shot.id) || resolving.contains(shot.id)
            let lost = s.takes.filter {
                $0.requestID != nil && $0.file == nil && !$0.expired && $0.failure == nil && (renew || $0.number != s.current)
            }
            collect[shot.id] = lost
            for take in lost where take.costUSD == nil { pending["\(shot.id)#\(take.number)"] = shot.estimatedUSD }
            if renew {
                actions[shot.id] = .submit
                continue
            }
            if s.outcomeUnknown { throw StoryboardError.outcomeUnknown(shot: shot.id) }
            if let take = s.take, let reason = take.failure {
                throw StoryboardError.jobFailed(shot: shot.id, requestID: take.requestID ?? "-", reason: reason, costUSD: take.costUSD)
            }
            let poll = s.requestID.flatMap { id in
                s.statusURL.flatMap { status in s.responseURL.map { ShotAction.poll(requestID: id, statusURL: status, responseURL: $0) } }
            }
            if let file = s.file {
                actions[shot.id] = s.completed ? .done(file: file) : .postProcess(file: file)
            } else if poll != nil, s.expired, let id = s.requestID {
                throw StoryboardError.expired(shot: shot.id, requestID: id)
            } else if let poll {
                actions[shot.id] = poll
                if s.costUSD == nil { pending[shot.id] = shot.estimatedUSD }
            } else {
                actions[shot.id] = .submit
            }
        }
        self.actions = actions
        self.spentUSD = spent
        self.pendingEstimates = pending
        self.resubmitted = resolving.sorted()
        self.regenerated = allowed.filter { renewing.contains($0.id) }
        self.picked = pick.filter { journaled[$0.key]?.current != $0.value }
        self.collect = collect.filter { !$0.value.isEmpty }
    }

    /// Refuses shot ids and take numbers the storyboard or the journal do not know.
    static func checkOptions(
        _ plan: ChainPlan, states: [String: JournalShotState], resubmit: Set<String>, redo: Set<String>, pick: [String: Int]
    ) throws {
        let ids = Set(plan.shots.map(\.id))
        var issues: [StoryboardIssue] = []
        for (option, named) in [("--resubmit", resubmit), ("--redo", redo), ("--pick", Set(pick.keys))] {
            for id in named.subtracting(ids).sorted() {
                issues.append(StoryboardIssue(shot: id, field: option, message: "no shot with this id in the storyboard"))
            }
        }
        for (id, n) in pick.sorted(by: { $0.key < $1.key }) where ids.contains(id) {
            let done = states[id]?.takes.filter(\.completed).map(\.number) ?? []
            if !done.contains(n) {
                let known = done.isEmpty ? "it has no finished take" : "finished takes: \(done.map(String.init).joined(separator: ", "))"
                issues.append(StoryboardIssue(shot: id, field: "--pick", message: "take \(n) is not a finished take of this shot (\(known))"))
            }
        }
        if !issues.isEmpty { throw StoryboardError.invalid(path: plan.storyboard.path, issues: issues) }
    }

    /// Turns every journaled download whose file is gone or cut short (not the journaled size) into a fetch of the
    /// result again (no new submit), reading the files of the out folder `folder`.
    public mutating func refetchMissingDownloads(_ records: [JournalRecord], in folder: String) {
        var states = RunJournal.states(records)
        for (id, n) in picked { states[id]?.current = n }
        for (id, s) in states {
            guard let file = s.file, let request = s.requestID, let status = s.statusURL, let response = s.responseURL else { continue }
            switch actions[id] {
            case .done?, .postProcess?:
                if !Self.isWhole(file, bytes: s.bytes, in: folder) {
                    actions[id] = .poll(requestID: request, statusURL: status, responseURL: response)
                }
            default: break
            }
        }
    }

    /// Whether the journaled download `file` is on disk with the journaled size (any size when none was journaled).
    static func isWhole(_ file: String, bytes: Int64?, in folder: String) -> Bool {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { return false }
        return bytes.map { $0 == size.int64Value } ?? (size.int64Value > 0)
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
        let unpriced = plan.shots.filter { !$0.priced && actions[$0.id] != nil && actions[$0.id] == .submit }
        if !unpriced.isEmpty {
            throw StoryboardError.unpriced(shots: unpriced.map(\.id), models: Set(unpriced.map(\.model.slug)).sorted(), maxUSD: maxUSD)
        }
        let total = spentUSD + pendingUSD + remainingEstimateUSD(plan)
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
