import Foundation
import FrameServer
import Logging
import MediaKit
import Segmind
import WorkThreads

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
    /// When set, every input URL the storyboard names is fetched as the service would fetch it before anything is
    /// submitted; an unusable one stops the run naming the shot, the parameter and the URL.
    public var reachability: InputReachability?

    /// Creates a runner.
    public init(plan: ChainPlan, client: SegmindClient, options: ChainOptions) {
        self.plan = plan
        self.client = client
        self.options = options
    }

    /// The encoder of `report.json`, for printing a report the same way: sorted snake_case keys, infinite PSNR as
    /// `"inf"`.
    public static var jsonEncoder: JSONEncoder { ChainReportWriter.encoder }

    /// Where a frame server serving this run's inputs keeps its publications (`OUT/frameserver.json`).
    public var frameServerState: String { options.path("frameserver.json") }

    /// The journal's path in the out folder.
    public var journalPath: String { options.path("journal.jsonl") }

    /// Runs (or resumes) the chain, serving local inputs from a frame server on this machine's loopback interface
    /// (for a simulator or an API on this machine). Its publications and port are kept in `OUT/frameserver.json`, so a
    /// restarted run serves the URLs a still-queued job was submitted with.
    ///
    /// - Throws: see `run(publishingThrough:)`.
    public func run() async throws -> ChainReport {
        let quiet = Logger(label: "shotchain.chain", factory: { _ in SwiftLogNoOpLogHandler() })
        try prepare()
        return try await withFrameServer(FrameServerConfiguration(stateFile: frameServerState), logger: quiet) { server in
            try await run(publishingThrough: FrameServerPublisher(server: server))
        }
    }

    /// Checks, without writing anything, that the run can start (the journal against the plan, the budget), then
    /// creates the out folder. A plan that cannot start leaves no out folder behind. Call it before starting anything
    /// that writes into the out folder (a frame server with its state file there); `run` calls it too.
    ///
    /// - Throws: `StoryboardError`.
    public func prepare() throws {
        // An unknown outcome is looked up in the request history under the lock before it stops the run.
        do { try resumePlan(try RunJournal.read(journalPath)).checkBudget(plan, maxUSD: options.maxCostUSD) } catch StoryboardError.outcomeUnknown {}
        for sub in ["", "shots", "frames"] {
            do {
                try FileManager.default.createDirectory(atPath: options.path(sub), withIntermediateDirectories: true)
            } catch {
                throw StoryboardError.journal(
                    path: options.outDirectory, message: "cannot create the out folder (\((error as NSError).localizedDescription))")
            }
        }
    }

    /// Runs (or resumes) the chain, making local inputs reachable through `publisher`.
    ///
    /// - Throws: `StoryboardError` (naming the shot) or `SegmindError`; everything paid for is journaled first.
    public func run(publishingThrough publisher: any LocalInputPublisher) async throws -> ChainReport {
        try prepare()
        let lock = try RunLock(folder: options.outDirectory)
        defer { withExtendedLifetime(lock) {} }
        // Again under the lock: another run may have written to the journal since.
        let journal = try RunJournal(path: journalPath)
        let unfound = try await SubmitReconciler(client: client).reconcile(plan, records: try RunJournal.read(journalPath), journal: journal)
        var resume: ResumePlan
        do { resume = try resumePlan(try RunJournal.read(journalPath)) } catch StoryboardError.outcomeUnknown(let shot) {
            // When the history could not be read at all, the outcome is simply unknown.
            guard let search = unfound.first(where: { $0.shot == shot }), search.problem == nil else {
                throw StoryboardError.outcomeUnknown(shot: shot)
            }
            let searched =
                "\(search.rows) request\(search.rows == 1 ? "" : "s") of \(plan.shots.first { $0.id == shot }?.model.slug ?? "its model") from \(search.window)"
            throw StoryboardError.unreconciled(shot: shot, searched: searched)
        }
        try resume.checkBudget(plan, maxUSD: options.maxCostUSD)
        for id in resume.resubmitted { try journal.append(JournalRecord(event: "resubmit", shot: id)) }
        for (id, n) in resume.picked.sorted(by: { $0.key < $1.key }) { try journal.append(JournalRecord(event: "pick", shot: id, take: n)) }
        for stale in resume.regenerated {
            let redo = options.redo.contains(stale.id) && stale.reason.hasPrefix("--redo")
            try journal.append(JournalRecord(event: "regenerate", shot: stale.id, message: redo ? "redo" : stale.reason))
        }
        try journalCurrentFingerprints(journal)
        try await checkReachable(resume)
        let records = try RunJournal.read(journalPath)
        resume.refetchMissingDownloads(records, in: options.outDirectory)
        let states = RunJournal.states(records)
        let pipeline = ShotPipeline(generation: ShotGeneration(client: client, publisher: publisher))
        let scheduler = ShotScheduler(plan: plan, resume: resume, concurrency: options.concurrency, maxCostUSD: options.maxCostUSD)
        let options = self.options
        let collect = resume.collect
        let outcomes = try await scheduler.run(
            { shot, action, inputs in
                let state = states[shot.id]
                let take = state?.current ?? 1
                let context = ShotContext(shot: shot, options: options, journal: journal, take: take)
                return try await pipeline.run(context, action: action, state: state, collect: collect[shot.id] ?? [], inputs: inputs)
            }, pictures: { options.path($0.seedFrame ?? $0.lastFrame) }, videos: { options.path($0.file) })
        let final = RunJournal.states(try RunJournal.read(journalPath))
        return try await BlockingWork.run { [self] in try report(outcomes, states: final) }
    }

    /// Gives each take in use that was journaled with a shot's former fingerprint (input files by absolute path) the
    /// current one, so the out folder can move with its storyboard and still match.
    private func journalCurrentFingerprints(_ journal: RunJournal) throws {
        let states = RunJournal.states(try RunJournal.read(journalPath))
        for shot in plan.shots where shot.formerFingerprint != shot.fingerprint {
            guard let take = states[shot.id]?.take, take.fingerprint == shot.formerFingerprint else { continue }
            try journal.append(JournalRecord(event: "fingerprint", shot: shot.id, fingerprint: shot.fingerprint, take: take.number))
        }
    }

    /// The journal read against the plan with this run's options; a stale shot the options do not pay for stops the
    /// run naming every such shot, why, and what regenerating them would cost.
    private func resumePlan(_ records: [JournalRecord]) throws -> ResumePlan {
        try ResumePlan(plan: plan, records: records, journalPath: journalPath, options: options)
    }

    /// Fetches the storyboard's input URLs of every shot still to be submitted, before the first submit.
    private func checkReachable(_ resume: ResumePlan) async throws {
        guard let reachability else { return }
        for shot in plan.shots where resume.actions[shot.id] == .submit {
            var urls: [String: JSONValue] = [:]
            for case (let parameter, .url(let url)) in shot.inputs { ChainPlan.add(&urls, parameter, .string(url), model: shot.model) }
            guard !urls.isEmpty else { continue }
            do { try await reachability.check(model: shot.model, parameters: urls) } catch SegmindError.invalidRequest(_, let issues) {
                throw StoryboardError.invalid(
                    path: plan.storyboard.path,
                    issues: issues.map {
                        StoryboardIssue(shot: shot.id, field: $0.parameter, message: "not reachable: \($0.message); nothing was sent")
                    })
            }
        }
    }

    private func report(_ outcomes: [String: ShotOutcome], states: [String: JournalShotState]) throws -> ChainReport {
        let made = plan.shots.compactMap { shot in
            outcomes[shot.id].map { outcome in
                var o = outcome
                o.takes = (states[shot.id]?.takes ?? []).map {
                    TakeOutcome(number: $0.number, file: $0.file, requestID: $0.requestID, costUSD: $0.costUSD)
                }
                return o
            }
        }
        var videos = plan.shots.filter { $0.model.returns == .video }.compactMap { id in made.first { $0.id == id.id } }
        // Each video shot's drift as generated: its last frame against the anchor's (the first video shot's) first.
        if let anchor = videos.first?.inspected?.first.mean {
            for i in videos.indices { videos[i].driftDeltaE = videos[i].inspected.map { $0.last.mean.deltaE(anchor) } }
        }
        let shots = made.map { shot in videos.first { $0.id == shot.id } ?? shot }
        let writer = ChainReportWriter(options: options)
        let spent = states.values.map(\.spentUSD).reduce(0, +)
        var report = ChainReport(storyboard: plan.storyboard.path, shots: shots, seams: writer.seams(videos), spentUSD: spent)
        try ChainAssembly(defaults: plan.storyboard.defaults, options: options).assemble(videos, into: &report)
        try writer.write(report)
        return report
    }
}
