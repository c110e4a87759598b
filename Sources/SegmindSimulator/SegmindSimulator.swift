import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Presets
import ServiceLifecycle
import WorkThreads

/// An offline stand-in for the Segmind API: speaks v1 and v2 as Segmind's API reference describes, fetches input URLs,
/// renders real media with MediaKit and injects faults deterministically.
///
/// ```swift
/// let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 2, scale: 0.25))
/// // point a client at simulator.baseURL
/// await simulator.stop()
/// ```
public final class SegmindSimulator: Sendable {
    /// The host root, `http://127.0.0.1:PORT`: v1 at `/v1/<slug>`, v2 at `/v2/<slug>`, outputs at `/files/<id>/<name>`,
    /// uploads at `/upload-asset`, served at `/assets/<id>/<name>`.
    public let baseURL: String
    /// The configuration it runs with.
    public let configuration: SimulatorConfiguration
    private let state: SimulatorState
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let outputDirectory: URL

    private init(
        baseURL: String, configuration: SimulatorConfiguration, state: SimulatorState, serviceGroup: ServiceGroup,
        runTask: Task<Void, any Error>, outputDirectory: URL
    ) {
        self.baseURL = baseURL
        self.configuration = configuration
        self.state = state
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.outputDirectory = outputDirectory
    }

    /// Starts listening and returns once the port is bound.
    /// - Parameters:
    ///   - configuration: address, latency, faults, budget, render scale and key.
    ///   - stopOnSignals: when true, SIGINT and SIGTERM stop the server gracefully (the `simulate` command).
    /// - Throws: ``SimulatorError`` for a bad configuration (including an unreadable or malformed model catalog) or an
    ///   address that cannot be bound.
    public static func start(_ configuration: SimulatorConfiguration, stopOnSignals: Bool = false) async throws -> SegmindSimulator {
        try configuration.validate()
        let models = try SimulatedModel.load(from: configuration.modelsDirectory)
        var logger = Logger(label: "segmind-simulator")
        logger.logLevel = .critical
        let state = SimulatorState(configuration: configuration)
        let outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("segmind-simulator-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw SimulatorError.invalidConfiguration("cannot create the output folder \(outputDirectory.path): \(error)")
        }
        let runner = JobRunner(
            state: state, fetcher: InputFetcher(client: HTTPClient.shared, timeout: .milliseconds(Int64(configuration.inputTimeout * 1000))),
            renderer: MediaRenderer(directory: outputDirectory))
        let service = SimulatorService(state: state, runner: runner, configuration: configuration, models: models)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder<SimulatorRequestContext> { request, context in
                try await service.respond(to: request, context: context)
            },
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? configuration.port)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [], logger: logger))
        // On threads of its own, like the frame server: answers stay prompt while the host process is busy.
        let runTask = Task(executorPreference: DedicatedExecutor.servers) {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let reason: String
            do {
                try await runTask.value
                reason = "the server stopped before listening"
            } catch {
                reason = "\(error)"
            }
            try? FileManager.default.removeItem(at: outputDirectory)
            throw SimulatorError.bindFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let baseURL = "http://\(host):\(port)"
        await state.setBaseURL(baseURL)
        return SegmindSimulator(
            baseURL: baseURL, configuration: configuration, state: state, serviceGroup: group, runTask: runTask,
            outputDirectory: outputDirectory)
    }

    /// Accepted (billed) submits, for one model or all of them. A 502, 504 or dropped submit counts when the
    /// simulator had accepted the job before the fault.
    public func submissionCount(slug: String? = nil) async -> Int {
        await state.submissionCount(slug: slug)
    }

    /// The credit balance in dollars.
    public func remainingCredits() async -> Double {
        Double(await state.creditsMillis) / 1000
    }

    /// Every request answered or dropped so far, in order.
    public func requestLog() async -> [SimulatorLogEntry] {
        await state.log
    }

    /// Every input URL that could not be fetched or used, oldest first, so a test can assert that none failed.
    public func failedFetches() async -> [FailedFetch] {
        await state.failedFetches
    }

    /// Files stored by `POST /upload-asset` so far (one per data URL).
    public func uploadCount() async -> Int {
        await state.uploadCount
    }

    /// Forgets every request record now, as if the TTL had passed (status and result then answer 404).
    public func expireAllRequests() async {
        await state.expireAll()
    }

    /// Forgets the request history (tests of a run that neither the status records nor the history can answer).
    public func forgetHistory() async {
        await state.forgetHistory()
    }

    /// Waits until the server stops (after ``stop()`` or, with `stopOnSignals`, SIGINT/SIGTERM), then cancels
    /// unfinished jobs and deletes the rendered outputs.
    public func waitUntilStopped() async {
        _ = await runTask.result
        for work in await state.pendingWork() {
            work.cancel()
            _ = await work.value
        }
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    /// Stops listening, cancels unfinished jobs, and deletes the rendered outputs.
    public func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        await waitUntilStopped()
    }
}
