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
    /// The estimated cost of the shots journaled as submitted whose cost is not known yet: they are paid for, so
    /// the budget counts them at their estimate until the service reports their cost.
    public var pendingUSD: Double { pendingEstimates.values.reduce(0, +) }
    /// Per shot counted in `pendingUSD`, its estimate.
    public var pendingEstimates: [String: Double]
    /// Shots whose record `--resubmit` resolves (a `resubmit` record must be journaled for each before running).
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
        // --resubmit resolves a record that needs the user's word (an unknown outcome, an expired request, a changed
        // shot); once resolved it is a no-op, so the same command line never pays twice.
        let resolving = Set(
            plan.shots.filter { shot in
                guard resubmit.contains(shot.id), let s = states[shot.id] else { return false }
                return s.outcomeUnknown || (s.expired && s.file == nil) || (s.fingerprint.map { $0 != shot.fingerprint } ?? false)
            }.map(\.id))
        var changed: [String] = []
        for shot in plan.shots where !resolving.contains(shot.id) {
            if let s = states[shot.id], let f = s.fingerprint, f != shot.fingerprint { changed.append(shot.id) }
        }
        for id in states.keys.sorted() where !ids.contains(id) && states[id]?.intent == true { changed.append(id) }
        if !changed.isEmpty { throw StoryboardError.journalMismatch(path: journalPath, changed: changed) }
        var actions: [String: ShotAction] = [:]
        var spent = 0.0
        var pending: [String: Double] = [:]
        for shot in plan.shots {
            guard !resolving.contains(shot.id), let s = states[shot.id] else {
                actions[shot.id] = .submit
                continue
            }
            if let cost = s.costUSD { spent += cost }
            if s.outcomeUnknown { throw StoryboardError.outcomeUnknown(shot: shot.id) }
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
        // Money already paid for a shot being resubmitted still counts against the budget.
        for id in resolving { spent += states[id]?.costUSD ?? 0 }
        self.actions = actions
        self.spentUSD = spent
        self.pendingEstimates = pending
        self.resubmitted = resolving.sorted()
    }

    /// Turns every journaled download whose file is gone or cut short (not the journaled size) into a fetch of the
    /// result again (no new submit), reading the files of the out folder `folder`.
    public mutating func refetchMissingDownloads(_ records: [JournalRecord], in folder: String) {
        for (id, s) in RunJournal.states(records) {
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
