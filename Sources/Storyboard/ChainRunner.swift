import Foundation
import FrameServer
import Logging
import MediaKit
import Segmind

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
    /// Base URL the frame server's links are minted on (a tunnel), nil for its local address.
    public var publicBaseURL: URL?
    /// Seconds between polls (nil: the model's).
    public var pollInterval: Double?
    /// Called at each journal step; a test throws from it to simulate a crash there.
    public var crashPoint: (@Sendable (CrashPoint, String) async throws -> Void)?
    /// Called on every state change and poll.
    public var progress: (@Sendable (ChainEvent) -> Void)?

    /// Creates options.
    public init(
        outDirectory: String, maxCostUSD: Double? = nil, concurrency: Int = 1, resubmit: Set<String> = [], publicBaseURL: URL? = nil,
        pollInterval: Double? = nil, crashPoint: (@Sendable (CrashPoint, String) async throws -> Void)? = nil,
        progress: (@Sendable (ChainEvent) -> Void)? = nil
    ) {
        self.outDirectory = outDirectory
        self.maxCostUSD = maxCostUSD
        self.concurrency = max(1, concurrency)
        self.resubmit = resubmit
        self.publicBaseURL = publicBaseURL
        self.pollInterval = pollInterval
        self.crashPoint = crashPoint
        self.progress = progress
    }
}

/// A progress event for one shot.
public struct ChainEvent: Sendable, Equatable {
    /// The shot id.
    public var shot: String
    /// `WAITING`, `SUBMITTING`, `QUEUED`, `PROCESSING`, `DOWNLOADING`, `CHECKING`, `DONE`, ...
    public var state: String
    /// Seconds since the submit (when known).
    public var elapsedSeconds: Double?
    /// The model's typical time.
    public var expectedSeconds: Double?
}

/// What one shot produced.
public struct ShotOutcome: Sendable, Codable, Equatable {
    /// The shot id.
    public var id: String
    /// The model slug.
    public var model: String
    /// The downloaded output, relative to the out folder.
    public var file: String
    /// The first frame (video) or the image, relative to the out folder.
    public var firstFrame: String
    /// The exact last frame (video) or the image, relative to the out folder.
    public var lastFrame: String
    /// The video duration in seconds (nil for an image).
    public var durationSeconds: Double?
    /// The cost the service reported.
    public var costUSD: Double?
    /// The request id.
    public var requestID: String?
    /// The checks made against the request, as `name: expected / actual`.
    public var checks: [String]
}

/// The PSNR of the two frames that meet at a seam.
public struct SeamOutcome: Sendable, Codable, Equatable {
    /// The earlier shot.
    public var from: String
    /// The later shot.
    public var to: String
    /// PSNR in dB of the earlier shot's last frame against the later one's first (nil when sizes differ;
    /// infinity when identical).
    public var psnr: Double?
}

/// What a finished run wrote to `report.json`.
public struct ChainReport: Sendable, Codable, Equatable {
    /// The storyboard.
    public var storyboard: String
    /// Per shot, in storyboard order.
    public var shots: [ShotOutcome]
    /// Per pair of consecutive video shots.
    public var seams: [SeamOutcome]
    /// The summed reported cost in US dollars.
    public var spentUSD: Double
    /// The assembled video, relative to the out folder (nil when the storyboard has no video shot).
    public var final: String?
    /// Displayed frames in the assembled video.
    public var finalFrames: Int?
    /// The assembled video's duration in seconds.
    public var finalDurationSeconds: Double?
    /// How each shot went into the assembled video (copied or re-encoded, and why).
    public var assembly: [String]?
}

/// Runs a chain plan: publishes inputs, submits (v2), journals the request id before the first poll, polls,
/// downloads, checks, extracts the last frame for the next shot, and writes the report. Safe to run again on the
/// same out folder after a crash: see `ResumePlan`.
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

    /// The journal's path in the out folder.
    public var journalPath: String { (options.outDirectory as NSString).appendingPathComponent("journal.jsonl") }

    /// Runs (or resumes) the chain.
    ///
    /// - Throws: `StoryboardError` (naming the shot) or `SegmindError`; everything paid for is journaled first.
    public func run() async throws -> ChainReport {
        let records = try RunJournal.read(journalPath)
        let resume = try ResumePlan(plan: plan, records: records, journalPath: journalPath, resubmit: options.resubmit)
        try resume.checkBudget(plan, maxUSD: options.maxCostUSD)
        let out = options.outDirectory
        for sub in ["", "shots", "frames"] {
            do {
                try FileManager.default.createDirectory(atPath: (out as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
            } catch {
                throw StoryboardError.journal(path: out, message: "cannot create the out folder (\((error as NSError).localizedDescription))")
            }
        }
        let states = RunJournal.states(records)
        let journal = try RunJournal(path: journalPath)
        for id in resume.resubmitted { try journal.append(JournalRecord(event: "resubmit", shot: id)) }
        let server = try await FrameServer.start(
            publicBaseURL: options.publicBaseURL, logger: Logger(label: "shotchain.chain", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            let outcomes = try await schedule(resume: resume, states: states, journal: journal, server: server)
            await server.stop()
            return try report(outcomes)
        } catch {
            await server.stop()
            throw error
        }
    }

    private func schedule(
        resume: ResumePlan, states: [String: JournalShotState], journal: RunJournal, server: FrameServer
    ) async throws -> [String: ShotOutcome] {
        var outcomes: [String: ShotOutcome] = [:]
        var pending = Array(plan.shots.enumerated())
        var running = 0
        var committed = resume.spentUSD
        var estimates: [String: Double] = [:]
        try await withThrowingTaskGroup(of: ShotOutcome.self) { group in
            while !pending.isEmpty || running > 0 {
                var i = 0
                while i < pending.count && running < options.concurrency {
                    let (index, shot) = pending[i]
                    guard shot.dependencies.allSatisfy({ outcomes[$0] != nil }) else {
                        i += 1
                        continue
                    }
                    let action = resume.actions[shot.id] ?? .submit
                    if action == .submit {
                        try ResumePlan.checkBeforeSubmit(shot, spentUSD: committed, maxUSD: options.maxCostUSD)
                        committed += shot.estimatedUSD
                        estimates[shot.id] = shot.estimatedUSD
                    }
                    var pictures: [String: String] = [:]
                    for dep in shot.dependencies { pictures[dep] = outcomes[dep].map { abs($0.lastFrame) } }
                    let previous = index > 0 ? plan.shots[index - 1].id : nil
                    let state = states[shot.id]
                    group.addTask {
                        try await runShot(
                            shot, action: action, previous: previous, pictures: pictures, state: state, journal: journal, server: server)
                    }
                    running += 1
                    pending.remove(at: i)
                }
                guard let done = try await group.next() else { break }
                running -= 1
                outcomes[done.id] = done
                if let estimate = estimates[done.id], let cost = done.costUSD { committed += cost - estimate }
            }
        }
        return outcomes
    }

    private func abs(_ relative: String) -> String { (options.outDirectory as NSString).appendingPathComponent(relative) }

    private func event(_ shot: PlannedShot, _ state: String, elapsed: Double? = nil) {
        options.progress?(ChainEvent(shot: shot.id, state: state, elapsedSeconds: elapsed, expectedSeconds: shot.expectedSeconds))
    }

    private func crash(_ point: CrashPoint, _ shot: String) async throws { try await options.crashPoint?(point, shot) }

    private func runShot(
        _ shot: PlannedShot, action start: ShotAction, previous: String?, pictures: [String: String], state: JournalShotState?,
        journal: RunJournal, server: FrameServer
    ) async throws -> ShotOutcome {
        let ext: String
        if shot.model.returns == .video {
            ext = "mp4"
        } else {
            ext = shot.parameters["output_format"]?.stringValue == "jpg" ? "jpg" : "png"
        }
        let relative = "shots/\(shot.id).\(ext)"
        var action = start
        var cost = state?.costUSD
        var requestID = state?.requestID
        if action == .submit {
            event(shot, "SUBMITTING")
            var parameters = shot.parameters
            var locals: [LocalInput] = []
            for (parameter, source) in shot.inputs {
                switch source {
                case .url(let u): ChainPlan.add(&parameters, parameter, .string(u), model: shot.model)
                case .file(let p): locals.append(LocalInput(parameter: parameter, path: p))
                case .previous: locals.append(LocalInput(parameter: parameter, path: pictures[previous ?? ""] ?? ""))
                case .shot(let id): locals.append(LocalInput(parameter: parameter, path: pictures[id] ?? ""))
                }
            }
            let request: ValidatedRequest
            do {
                _ = try RequestValidator().validate(model: shot.model, parameters: parameters, localInputs: locals)
                for local in locals {
                    let url = try await server.publish(local.path)
                    ChainPlan.add(&parameters, local.parameter, .string(url.absoluteString), model: shot.model)
                }
                request = try RequestValidator().validate(model: shot.model, parameters: parameters)
            } catch {
                throw StoryboardError.shotFailed(shot: shot.id, message: String(describing: error))
            }
            try journal.append(JournalRecord(event: "submitting", shot: shot.id, fingerprint: shot.fingerprint))
            try await crash(.afterIntent, shot.id)
            let job = try await client.submit(request)
            try await crash(.afterSubmitSent, shot.id)
            try journal.append(
                JournalRecord(event: "submitted", shot: shot.id, requestID: job.requestID, statusURL: job.statusURL, responseURL: job.responseURL))
            try await crash(.afterRequestID, shot.id)
            action = .poll(requestID: job.requestID, statusURL: job.statusURL, responseURL: job.responseURL)
        }
        if case .poll(let id, let status, let response) = action {
            requestID = id
            let job = Job(requestID: id, slug: shot.model.slug, statusURL: status, responseURL: response, submittedAt: nil)
            let result: GenerationResult
            do {
                result = try await client.wait(for: job, model: shot.model, interval: options.pollInterval) { p in
                    options.progress?(
                        ChainEvent(shot: shot.id, state: p.state.description, elapsedSeconds: p.elapsedSeconds, expectedSeconds: p.expectedSeconds))
                }
            } catch SegmindError.notFound {
                throw StoryboardError.expired(shot: shot.id, requestID: id)
            }
            event(shot, "DOWNLOADING")
            _ = try await client.download(result, to: URL(fileURLWithPath: abs(relative)), expecting: shot.model.returns)
            cost = result.accounting.cost
            try journal.append(JournalRecord(event: "downloaded", shot: shot.id, file: relative, costUSD: cost))
            try await crash(.afterDownload, shot.id)
            action = .postProcess(file: relative)
        }
        event(shot, "CHECKING")
        var outcome = try postProcess(shot, file: relative)
        outcome.costUSD = cost
        outcome.requestID = requestID
        if case .postProcess = action {
            try journal.append(JournalRecord(event: "completed", shot: shot.id))
            try await crash(.afterCompleted, shot.id)
        }
        event(shot, "DONE")
        return outcome
    }

    /// Checks the download against the request and extracts its first and last frames (idempotent).
    private func postProcess(_ shot: PlannedShot, file relative: String) throws -> ShotOutcome {
        let path = abs(relative)
        guard shot.model.returns == .video else {
            return ShotOutcome(
                id: shot.id, model: shot.model.slug, file: relative, firstFrame: relative, lastFrame: relative, durationSeconds: nil, costUSD: nil,
                requestID: nil, checks: [])
        }
        let info: MediaInfo
        do { info = try MediaProbe.probe(path) } catch {
            throw StoryboardError.shotFailed(shot: shot.id, message: "\(path): \(error)")
        }
        // The same checks as `shotchain verify`, derived from the request that produced the file: duration within
        // a frame plus 50 ms, aspect, audio present exactly when asked for, and every frame decoding cleanly.
        // The catalog's roles say what the output should be (MediaKit knows no model parameter names).
        let expected = shot.model.expectations(for: shot.parameters)
        let report = Verifier.verify(
            info, VerificationRequest(duration: expected.durationSeconds, aspect: expected.aspectRatio, audio: expected.audio ?? false, decode: true))
        let checks = report.checks.map { "\($0.name): expected \($0.expected), got \($0.actual)" }
        let failures = report.checks.filter { !$0.passed }.map { "\($0.name) expected \($0.expected), got \($0.actual)" }
        let duration = info.video?.duration ?? info.duration
        if !failures.isEmpty { throw StoryboardError.verificationFailed(shot: shot.id, path: path, failures: failures) }
        let first = "frames/\(shot.id)-first.png"
        let last = "frames/\(shot.id)-last.png"
        do {
            if !FileManager.default.fileExists(atPath: abs(first)) { try FrameExtractor.extractToFile(from: path, .first, to: abs(first)) }
            if !FileManager.default.fileExists(atPath: abs(last)) { try FrameExtractor.extractToFile(from: path, .last, to: abs(last)) }
        } catch {
            throw StoryboardError.shotFailed(shot: shot.id, message: "\(path): \(error)")
        }
        return ShotOutcome(
            id: shot.id, model: shot.model.slug, file: relative, firstFrame: first, lastFrame: last, durationSeconds: duration, costUSD: nil,
            requestID: nil, checks: checks)
    }

    private func report(_ outcomes: [String: ShotOutcome]) throws -> ChainReport {
        let shots = plan.shots.compactMap { outcomes[$0.id] }
        let videos = plan.shots.filter { $0.model.returns == .video }.compactMap { outcomes[$0.id] }
        var seams: [SeamOutcome] = []
        for (a, b) in zip(videos, videos.dropFirst()) {
            let psnr: Double?
            do {
                psnr = try ImageFile.read(abs(a.lastFrame)).psnr(ImageFile.read(abs(b.firstFrame)))
            } catch {
                psnr = nil
            }
            seams.append(SeamOutcome(from: a.id, to: b.id, psnr: psnr))
        }
        var report = ChainReport(
            storyboard: plan.storyboard.path, shots: shots, seams: seams, spentUSD: shots.compactMap(\.costUSD).reduce(0, +), final: nil)
        if !videos.isEmpty {
            // Assembly is a pure function of the downloaded shots, so running it again after a crash gives the same
            // file; the output appears only when complete and re-probed (Concatenator writes to a temp name).
            let defaults = plan.storyboard.defaults
            let output = defaults.output
            let options = ConcatOptions(seam: defaults.seam, reencode: .auto, preset: defaults.encodePreset.map { URL(fileURLWithPath: $0) })
            let assembled: ConcatReport
            do {
                assembled = try Concatenator.concatenate(videos.map { abs($0.file) }, to: abs(output), options: options)
            } catch {
                throw StoryboardError.shotFailed(shot: videos.last!.id, message: "assembling \(output): \(error)")
            }
            report.final = output
            report.finalFrames = assembled.framesOut
            report.finalDurationSeconds = assembled.videoDuration
            report.assembly = assembled.segments.map { seg in
                "\(URL(fileURLWithPath: seg.path).lastPathComponent): \(seg.video)\(seg.reason.map { " (\($0))" } ?? ""), \(seg.framesIn) -> \(seg.framesOut) frames"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let rows = try shots.map { (first: try ImageFile.read(abs($0.firstFrame)), last: try ImageFile.read(abs($0.lastFrame))) }
            try ImageFile.write(try ContactSheet.make(rows), to: abs("contact-sheet.png"))
        } catch {
            throw StoryboardError.journal(path: options.outDirectory, message: "cannot write the contact sheet (\(error))")
        }
        do {
            try encoder.encode(report).write(to: URL(fileURLWithPath: abs("report.json")), options: .atomic)
            try Data(Self.markdown(report).utf8).write(to: URL(fileURLWithPath: abs("report.md")), options: .atomic)
        } catch {
            throw StoryboardError.journal(path: options.outDirectory, message: "cannot write the report (\((error as NSError).localizedDescription))")
        }
        return report
    }

    /// The report as Markdown.
    static func markdown(_ r: ChainReport) -> String {
        var lines = ["# Chain report", "", "Storyboard: `\(r.storyboard)`; spent $\(money(r.spentUSD)).", ""]
        if let final = r.final {
            let d = r.finalDurationSeconds.map { String(format: "%.3f s", $0) } ?? "-"
            lines += ["Assembled video: `\(final)`, \(r.finalFrames.map(String.init) ?? "-") frames, \(d).", ""]
            for line in r.assembly ?? [] { lines.append("- \(line)") }
            lines.append("")
        }
        lines.append("| shot | model | duration | cost | request | first frame | last frame | checks |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for s in r.shots {
            let d = s.durationSeconds.map { String(format: "%.3f s", $0) } ?? "-"
            let c = s.costUSD.map { "$" + money($0) } ?? "-"
            lines.append(
                "| \(s.id) | \(s.model) | \(d) | \(c) | \(s.requestID ?? "-") | ![](\(s.firstFrame)) | ![](\(s.lastFrame)) | \(s.checks.joined(separator: "<br>")) |"
            )
        }
        lines += ["", "| seam | PSNR |", "|---|---|"]
        for s in r.seams {
            lines.append("| \(s.from) → \(s.to) | \(s.psnr.map { $0.isInfinite ? "identical" : String(format: "%.1f dB", $0) } ?? "-") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
