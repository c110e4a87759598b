import Foundation
import FrameServer
import Logging
import Segmind
import SegmindSimulator
import Storyboard
import TerminalUI

/// The wiring of one `chain` run: the simulator when asked, the HTTP transport and client, the frame server that
/// serves local inputs, and progress on stderr. The run itself is `ChainRunner`'s.
struct ChainSession {
    /// The command, with its options.
    var command: Shotchain.Chain
    /// The checked storyboard.
    var plan: ChainPlan

    private var simulate: Bool { command.simulate }
    /// The catalog the simulator serves (the same as the plan's).
    private var modelsDirectory: URL? { command.catalogOptions.modelsDirectory }
    private var serving: LocalInputOptions { command.serving }
    private var service: ServiceOptions { command.service }
    private var progress: ProgressMode { ProgressMode(rawValue: command.progress) ?? .auto }

    /// Runs the chain with `options` (progress filled in here) and returns its report.
    ///
    /// - Throws: `SegmindError.invalidRequest` before anything is sent when the service could not fetch the frame
    ///   server's URLs, `StoryboardError` or `SegmindError` from the run.
    func run(_ options: ChainOptions) async throws -> ChainReport {
        let terminal = StandardErrorTerminal(progress: progress, environment: ProcessInfo.processInfo.environment)
        let board = terminal.isInteractive ? StatusBoard(terminal: terminal) : nil
        var options = options
        options.progress = Self.progressLines(board: board, quiet: progress == .never)
        var simulation = SimulatorConfiguration(latency: 1, scale: 0.5, modelsDirectory: modelsDirectory)
        simulation.defects = try command.simulatorDefects.defects()
        let simulator = simulate ? try await SegmindSimulator.start(simulation) : nil
        defer { board?.flush() }
        do {
            let configuration =
                try simulator.map {
                    try SegmindConfiguration(baseURL: $0.baseURL, historyBaseURL: $0.baseURL, storageBaseURL: $0.baseURL, apiKey: APIKey("simulated"))
                } ?? service.configuration()
            let mode = serving.resolvedMode(serviceBaseURL: configuration.baseURL)
            let locals = plan.shots.flatMap { shot in
                shot.inputs.compactMap { input -> LocalInput? in
                    if case .url = input.source { return nil }
                    return LocalInput(parameter: input.parameter, path: input.source.description)
                }
            }
            let issues =
                mode == .serve
                ? LocalInputServing(options: serving).problems(inputs: locals, serviceBaseURL: configuration.baseURL, noWait: false) : []
            if !issues.isEmpty { throw SegmindError.invalidRequest(slug: plan.shots.first?.model.slug ?? "-", issues: issues) }
            let report = try await AsyncHTTPTransport.withTransport { transport in
                let client = SegmindClient(configuration: configuration, transport: transport, inspector: HeaderMediaInspector())
                var runner = ChainRunner(plan: plan, client: client, options: options)
                runner.reachability = InputReachability(transport: transport)
                try runner.prepare()
                if mode == .upload {
                    printError("local inputs: uploaded to Segmind storage at \(configuration.storageBaseURL) (each file once per run folder)")
                    let ledger = UploadLedger(path: (options.outDirectory as NSString).appendingPathComponent("uploads.jsonl"))
                    return try await runner.run(publishingThrough: StorageUploader(client: client, cache: ledger))
                }
                return try await withFrameServer(try serving.configuration(stateFile: runner.frameServerState), logger: Self.quietLogger) { server in
                    printError("serving local inputs at \(server.baseURL.absoluteString)/f/... (listening on \(server.localBaseURL.absoluteString))")
                    if serving.publicBase != nil && !locals.isEmpty {
                        try await TunnelProbe.check(server, transport: transport, folder: options.outDirectory)
                    }
                    return try await runner.run(publishingThrough: FrameServerPublisher(server: server))
                }
            }
            await simulator?.stop()
            return report
        } catch {
            await simulator?.stop()
            throw error
        }
    }

    private static let quietLogger = Logger(label: "shotchain.chain", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Progress as a redrawn status board on a terminal, else one line per state change (quiet: none).
    static func progressLines(board: StatusBoard?, quiet: Bool) -> @Sendable (ChainEvent) -> Void {
        { e in
            let expected = e.expectedSeconds.map { " (expected ~\(formatElapsed($0)))" } ?? ""
            let elapsed = e.elapsedSeconds.map { " \(formatElapsed($0))" } ?? ""
            if let board {
                board.update(e.shot, state: e.state, text: "\(e.shot): \(e.state)\(elapsed)\(expected)")
            } else if !quiet && !["QUEUED", "PROCESSING"].contains(e.state) {
                printError("\(e.shot): \(e.state)")
            }
        }
    }
}
