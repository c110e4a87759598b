import Segmind

/// What the journal says about one take of a shot: one paid generation (or an attempt at one).
public struct TakeState: Sendable, Equatable {
    /// The take's number, from 1.
    public var number: Int
    /// The fingerprint of the shot when the take's submit started.
    public var fingerprint: String?
    /// The upstream takes it was built from: shot id to that shot's take identity (its request id).
    public var upstream: [String: String] = [:]
    /// A `submitting` intent was written.
    public var intent = false
    /// When the intent was written (seconds since 1970).
    public var intentTime: Double?
    /// The body the intent was about to send.
    public var sentBody: [String: JSONValue]?
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
    /// The take is done (downloaded, verified, frames extracted).
    public var completed = false
    /// The service answered the take's request with 404 (its record expired).
    public var expired = false
    /// The last submit was refused before it was accepted: the HTTP status (when there was one) and the message.
    public var rejectionStatus: Int?
    /// The service's message for a refused submit.
    public var rejectionMessage: String?

    /// The service's reason when the take's job FAILED (it may have been charged; it is never polled again).
    public var failure: String?
    /// The take was opened by `--redo` (a redo of a shot whose take in use is an unfinished redo is a no-op, so a
    /// crash during a redo and the same command again pay once).
    public var openedByRedo = false

    /// Creates an empty take.
    public init(number: Int) { self.number = number }

    /// Nothing was sent for this take (or what was sent was refused).
    var isOpen: Bool { !intent && requestID == nil && file == nil }
}

/// What the journal says about one shot: its takes and the one in use.
public struct JournalShotState: Sendable, Equatable {
    /// Every take, in order.
    public var takes: [TakeState] = []
    /// The number of the take in use (the latest unless `--pick` chose another).
    public var current: Int?

    /// Creates an empty state.
    public init() {}

    /// The take in use.
    public var take: TakeState? { takes.first { $0.number == current } }
    /// The fingerprint of the shot when the take in use started.
    public var fingerprint: String? { take?.fingerprint }
    /// The take in use has a `submitting` intent.
    public var intent: Bool { take?.intent ?? false }
    /// The take in use's request id.
    public var requestID: String? { take?.requestID }
    /// The take in use's status URL.
    public var statusURL: String? { take?.statusURL }
    /// The take in use's result URL.
    public var responseURL: String? { take?.responseURL }
    /// The take in use's file.
    public var file: String? { take?.file }
    /// The take in use's cost.
    public var costUSD: Double? { take?.costUSD }
    /// The take in use's file size.
    public var bytes: Int64? { take?.bytes }
    /// The take in use is done.
    public var completed: Bool { take?.completed ?? false }
    /// The take in use's request expired.
    public var expired: Bool { take?.expired ?? false }
    /// The take in use's refused submit, if any.
    public var rejection: (status: Int?, message: String)? { take?.rejectionMessage.map { (take?.rejectionStatus, $0) } }
    /// Every take's reported cost (all of them were paid for).
    public var spentUSD: Double { takes.compactMap(\.costUSD).reduce(0, +) }

    /// A submit was started whose request id never reached the journal.
    public var outcomeUnknown: Bool { intent && requestID == nil }

    /// The take records of `number` go to, created when new.
    mutating func update(_ number: Int?, _ change: (inout TakeState) -> Void) {
        let n = number ?? current ?? 1
        if let i = takes.firstIndex(where: { $0.number == n }) {
            change(&takes[i])
        } else {
            var t = TakeState(number: n)
            change(&t)
            takes.append(t)
        }
        if current == nil { current = n }
    }
}
