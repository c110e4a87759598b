import Foundation
import FrameServer
import Logging
import MediaKit
import Segmind

/// Runs a chain plan: each shot through its `ShotPipeline` (publish inputs, generate, check, extract) in the order
/// the `ShotScheduler` decides, then the assembly and the report. Safe to run again on the same out folder after a
/// crash: the journal says what each shot still needs (`ResumePlan`), and a journaled request is never submitted again.
///
/// The shot check decodes every downloaded file once; give the client a `HeaderMediaInspector` so the download
/// check does not decode it a second time.
public struct ChainRunner: Sendable {
    /// The plan.
    public let plan: ChainPlan
    /// The client.
    public let client: SegmindClient
    /// The options.
    public let options: ChainOptions

    /// Creates a runner.
    public init(plan: ChainPlan, client: SegmindClient, options: ChainOptions) {
        self.plan = plan
        self.client = client
        self.options = options
    }

    /// The encoder of `report.json`, for printing a report the same way: sorted snake_case keys, infinite PSNR as
    /// `"inf"`.
    public static var jsonEncoder: JSONEncoder { ChainReportWriter.encoder }

    /// The journal's path in the out folder.
    public var journalPath: String { options.path("journal.jsonl") }

    /// Runs (or resumes) the chain, serving local inputs from a frame server on this machine's loopback interface
    /// (for a simulator or an API on this machine).
    ///
    /// - Throws: see `run(publishingThrough:)`.
    public func run() async throws -> ChainReport {
        let quiet = Logger(label: "shotchain.chain", factory: { _ in SwiftLogNoOpLogHandler() })
        return try await withFrameServer(FrameServerConfiguration(), logger: quiet) { server in
            try await run(publishingThrough: FrameServerPublisher(server: server))
        }
    }

    /// Runs (or resumes) the chain, making local inputs reachable through `publisher`.
    ///
    /// - Throws: `StoryboardError` (naming the shot) or `SegmindError`; everything paid for is journaled first.
    public func run(publishingThrough publisher: any LocalInputPublisher) async throws -> ChainReport {
        // Read-only first: a plan that cannot start leaves no out folder behind.
        try ResumePlan(plan: plan, records: try RunJournal.read(journalPath), journalPath: journalPath, resubmit: options.resubmit)
            .checkBudget(plan, maxUSD: options.maxCostUSD)
        for sub in ["", "shots", "frames"] {
            do {
                try FileManager.default.createDirectory(atPath: options.path(sub), withIntermediateDirectories: true)
            } catch {
                throw StoryboardError.journal(
                    path: options.outDirectory, message: "cannot create the out folder (\((error as NSError).localizedDescription))")
            }
        }
        let lock = try RunLock(folder: options.outDirectory)
        defer { withExtendedLifetime(lock) {} }
        // Again under the lock: another run may have written to the journal since.
        let journal = try RunJournal(path: journalPath)
        let records = try RunJournal.read(journalPath)
        var resume = try ResumePlan(plan: plan, records: records, journalPath: journalPath, resubmit: options.resubmit)
        resume.refetchMissingDownloads(records, in: options.outDirectory)
        try resume.checkBudget(plan, maxUSD: options.maxCostUSD)
        let states = RunJournal.states(records)
        for id in resume.resubmitted { try journal.append(JournalRecord(event: "resubmit", shot: id)) }
        let pipeline = ShotPipeline(generation: ShotGeneration(client: client, publisher: publisher))
        let scheduler = ShotScheduler(plan: plan, resume: resume, concurrency: options.concurrency, maxCostUSD: options.maxCostUSD)
        let options = self.options
        let outcomes = try await scheduler.run(
            { shot, action, inputs in
                let context = ShotContext(shot: shot, options: options, journal: journal)
                return try await pipeline.run(context, action: action, state: states[shot.id], inputs: inputs)
            }, pictures: { options.path($0.lastFrame) })
        return try report(outcomes)
    }

    private func report(_ outcomes: [String: ShotOutcome]) throws -> ChainReport {
        let shots = plan.shots.compactMap { outcomes[$0.id] }
        let videos = plan.shots.filter { $0.model.returns == .video }.compactMap { outcomes[$0.id] }
        let writer = ChainReportWriter(options: options)
        var report = ChainReport(
            storyboard: plan.storyboard.path, shots: shots, seams: writer.seams(videos), spentUSD: shots.compactMap(\.costUSD).reduce(0, +))
        try ChainAssembly(defaults: plan.storyboard.defaults, options: options).assemble(videos, into: &report)
        try writer.write(report)
        return report
    }
}
