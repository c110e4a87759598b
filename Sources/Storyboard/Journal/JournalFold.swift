extension RunJournal {
    /// Folds records into the state of each shot.
    ///
    /// `submitting` starts (or retries) the take in use; `rejected` withdraws its intent, so the next run submits
    /// again without asking; `regenerate` opens a new take (the earlier ones stay, with their files); `pick` puts an
    /// earlier take back in use; `resubmit` drops a take whose outcome was never known, or, for an expired request,
    /// keeps it (it was paid) and opens a new one; `fingerprint` gives a take the shot's current fingerprint (one
    /// journaled in the former form). Records without a take number apply to the take in use.
    public static func states(_ records: [JournalRecord]) -> [String: JournalShotState] {
        var states: [String: JournalShotState] = [:]
        for r in records {
            var s = states[r.shot] ?? JournalShotState()
            switch r.event {
            case "resubmit":
                if let take = s.take, take.requestID == nil, take.file == nil {
                    // Nothing came of it: the same take starts again (a shot's only take is forgotten altogether).
                    if s.takes.count == 1 {
                        s = JournalShotState()
                    } else {
                        s.update(take.number) { $0 = TakeState(number: take.number) }
                    }
                } else if s.take != nil {
                    openTake(&s)
                }
            case "regenerate":
                openTake(&s)
                if r.message == "redo" { s.update(nil) { $0.openedByRedo = true } }
            case "pick": if let n = r.take, s.takes.contains(where: { $0.number == n }) { s.current = n }
            case "submitting":
                if s.take == nil { s.current = r.take ?? (s.takes.map(\.number).max() ?? 0) + 1 }
                s.update(r.take) { t in
                    t.intent = true
                    t.rejectionStatus = nil
                    t.rejectionMessage = nil
                    t.fingerprint = r.fingerprint ?? t.fingerprint
                    t.upstream = r.upstream ?? t.upstream
                    t.intentTime = r.time
                    t.sentBody = r.body
                }
            case "rejected":
                s.update(r.take) { t in
                    t.intent = false
                    t.rejectionStatus = r.status
                    t.rejectionMessage = r.message ?? "refused"
                }
            case "expired": s.update(r.take) { $0.expired = true }
            case "failed":
                s.update(r.take) { t in
                    t.failure = r.message ?? "no reason given"
                    t.costUSD = r.costUSD ?? t.costUSD
                }
            case "submitted":
                s.update(r.take) { t in
                    t.requestID = r.requestID
                    t.statusURL = r.statusURL
                    t.responseURL = r.responseURL
                }
            case "downloaded":
                s.update(r.take) { t in
                    t.file = r.file
                    t.costUSD = r.costUSD
                    t.bytes = r.bytes
                }
            case "completed": s.update(r.take) { $0.completed = true }
            case "fingerprint": s.update(r.take) { t in t.fingerprint = r.fingerprint ?? t.fingerprint }
            default: break
            }
            states[r.shot] = s
        }
        return states
    }

    /// Opens a new take after the last one and puts it in use (an open take in use is reused).
    private static func openTake(_ s: inout JournalShotState) {
        if let take = s.take, take.isOpen { return }
        let n = (s.takes.map(\.number).max() ?? 0) + 1
        s.takes.append(TakeState(number: n))
        s.current = n
    }
}
