import Foundation
import Segmind
import TerminalUI

/// The wiring of one `generate` run once its request is validated: local inputs served for as long as the job runs,
/// then v1, or v2 submit (and, unless `--no-wait`, the wait and the download), with progress on stderr.
struct GenerateSession {
    /// The command, with its options.
    var command: Shotchain.Generate
    /// The catalog entry of the model called.
    var model: ModelSpec

    private var sync: Bool { command.sync }
    private var noWait: Bool { command.noWait }
    private var json: Bool { command.json }
    private var deadline: Double? { command.deadline }
    private var interval: Double? { command.interval }
    private var destination: URL? { command.output.map { URL(fileURLWithPath: $0) } }
    private var progress: ProgressMode { ProgressMode(rawValue: command.progress) ?? .auto }

    /// Serves `validated`'s local inputs through `serving` and sends it.
    func run(_ validated: ValidatedRequest, serving: LocalInputServing, configuration: SegmindConfiguration) async throws {
        let terminal = StandardErrorTerminal(progress: progress, environment: ProcessInfo.processInfo.environment)
        let board = terminal.isInteractive ? StatusBoard(terminal: terminal) : nil
        try await AsyncHTTPTransport.withTransport { transport in
            if !validated.localInputs.isEmpty && serving.options.resolvedMode(serviceBaseURL: configuration.baseURL) == .upload {
                if !json {
                    printError("uploading \(validated.localInputs.count) local input(s) to Segmind storage at \(configuration.storageBaseURL)")
                }
                let uploader = StorageUploader(client: SegmindClient(configuration: configuration, transport: transport))
                return try await uploader.withPublishedInputs(of: validated) { request in
                    try await send(request, model: model, transport: transport, configuration: configuration, board: board, destination: destination)
                }
            }
            return try await serving.run(validated, announce: { if !json { printError($0) } }) { request in
                try await send(request, model: model, transport: transport, configuration: configuration, board: board, destination: destination)
            }
        }
    }

    /// Submits (or runs with v1), waits, downloads and reports; local inputs are already URLs here.
    func send(
        _ request: ValidatedRequest, model: ModelSpec, transport: AsyncHTTPTransport, configuration: SegmindConfiguration, board: StatusBoard?,
        destination: URL?
    ) async throws {
        let client = SegmindClient(configuration: configuration, transport: transport)
        if sync {
            board?.update(model.slug, state: "RUNNING", text: "\(model.slug): running (v1), expected ~\(formatElapsed(model.typicalLatencySeconds))")
            let outcome = try await client.runSync(request, to: destination!)
            board?.flush()
            try report(outcome)
            return
        }
        let job = try await client.submit(request)
        if noWait {
            if json { try printJSON(job) } else { print(job.requestID) }
            return
        }
        if !json { printError("submitted \(model.slug): request \(job.requestID)") }
        let result = try await client.wait(for: job, model: model, deadline: deadline, interval: interval) { p in
            board?.update(
                p.requestID, state: p.state.description,
                text:
                    "\(model.slug) \(p.requestID): \(p.state) \(formatElapsed(p.elapsedSeconds)) (expected ~\(formatElapsed(p.expectedSeconds ?? 0)))"
            )
        }
        board?.update(job.requestID, state: "DOWNLOADING", text: "\(model.slug) \(job.requestID): downloading")
        let file: DownloadedFile
        do {
            file = try await client.download(result, to: destination!, expecting: model.returns)
        } catch {
            printError("the job is COMPLETED; retry the download with `shotchain result \(job.requestID) -o FILE` (within 1 hour)")
            throw error
        }
        board?.flush()
        try report(GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting))
    }

    func report(_ outcome: GenerationOutcome) throws {
        if json { return try printJSON(outcome) }
        print(OutcomeText.describe(outcome))
    }
}
