/// What the journal says about one shot.
public struct JournalShotState: Sendable, Equatable {
    /// The fingerprint of the shot when its work started.
    public var fingerprint: String?
    /// A `submitting` intent was written.
    public var intent = false
    /// The request, once its id is on disk.
    public var requestID: String?
    /// The status URL.
    public var statusURL: String?
    /// The result URL.
    public var responseURL: String?
    /// The downloaded file (relative to the out folder).
    public var file: String?
    /// The cost the service reported.
    public var costUSD: Double?
    /// The downloaded file's size in bytes, when journaled.
    public var bytes: Int64?
    /// The shot is done (downloaded, verified, frames extracted).
    public var completed = false
    /// The service answered the journaled request with 404 (its record expired).
    public var expired = false
    /// The last submit was refused before it was accepted (status, when HTTP, and message).
    public var rejection: (status: Int?, message: String)?

    /// A submit was started whose request id never reached the journal.
    public var outcomeUnknown: Bool { intent && requestID == nil }

    public static func == (a: JournalShotState, b: JournalShotState) -> Bool {
        a.fingerprint == b.fingerprint && a.intent == b.intent && a.requestID == b.requestID && a.statusURL == b.statusURL
            && a.responseURL == b.responseURL && a.file == b.file && a.costUSD == b.costUSD && a.bytes == b.bytes && a.completed == b.completed
            && a.expired == b.expired && a.rejection?.status == b.rejection?.status && a.rejection?.message == b.rejection?.message
    }
}

extension RunJournal {
    /// Folds records into the state of each shot (`resubmit` starts a shot afresh; `rejected` withdraws the intent of
    /// a submit the service refused, so the next run submits again without asking).
    public static func states(_ records: [JournalRecord]) -> [String: JournalShotState] {
        var states: [String: JournalShotState] = [:]
        for r in records {
            var s = states[r.shot] ?? JournalShotState()
            switch r.event {
            case "resubmit": s = JournalShotState()
            case "submitting":
                s.intent = true
                s.rejection = nil
                s.fingerprint = r.fingerprint ?? s.fingerprint
            case "rejected":
                s.intent = false
                s.rejection = (r.status, r.message ?? "refused")
            case "expired": s.expired = true
            case "submitted":
                s.requestID = r.requestID
                s.statusURL = r.statusURL
                s.responseURL = r.responseURL
            case "downloaded":
                s.file = r.file
                s.costUSD = r.costUSD
                s.bytes = r.bytes
            case "completed": s.completed = true
            default: break
            }
            states[r.shot] = s
        }
        return states
    }
}
