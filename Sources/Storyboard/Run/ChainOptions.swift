import Foundation

/// How `ChainRunner` runs.
public struct ChainOptions: Sendable {
    /// The out folder: journal, downloads (`shots/`), frames (`frames/`) and reports.
    public var outDirectory: String
    /// Stop rather than spend more than this many US dollars.
    public var maxCostUSD: Double?
    /// Shots that do not depend on each other run at the same time, up to this many.
    public var concurrency: Int
    /// Shots the user agreed to pay for again.
    public var resubmit: Set<String>
    /// Pay for a new take of every stale shot (edited, or built on a shot that changed) (`--regenerate`).
    public var regenerate = false
    /// Shots to roll a new take of, with everything that depends on them (`--redo`).
    public var redo: Set<String> = []
    /// Earlier takes to put back in use, by shot id (`--pick SHOT=N`); what depends on them is regenerated.
    public var pick: [String: Int] = [:]
    /// Seconds between polls (nil: the model's).
    public var pollInterval: Double?
    /// Called on every state change and poll.
    public var progress: (@Sendable (ChainEvent) -> Void)?
    /// Called at each journal step; a test throws from it to simulate a crash there.
    var crashPoint: (@Sendable (CrashPoint, String) async throws -> Void)?

    /// Creates options.
    public init(
        outDirectory: String, maxCostUSD: Double? = nil, concurrency: Int = 1, resubmit: Set<String> = [], pollInterval: Double? = nil,
        progress: (@Sendable (ChainEvent) -> Void)? = nil
    ) {
        self.outDirectory = outDirectory
        self.maxCostUSD = maxCostUSD
        self.concurrency = max(1, concurrency)
        self.resubmit = resubmit
        self.pollInterval = pollInterval
        self.progress = progress
    }

    /// `relative` inside the out folder.
    func path(_ relative: String) -> String { (outDirectory as NSString).appendingPathComponent(relative) }
}
