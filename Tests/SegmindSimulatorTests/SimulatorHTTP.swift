import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MediaTestSupport
import NIOCore
import NIOHTTP1
import SegmindSimulator
import ServiceLifecycle
import Synchronization
import Testing
import WorkThreads

/// A finished HTTP exchange.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (nil when it is not one).
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends one request over loopback with AsyncHTTPClient.
func call(
    _ method: HTTPMethod = .GET, _ url: String, key: String? = "test-key", headers: [(String, String)] = [],
    json: String? = nil, contentType: String = "application/json"
) async throws -> HTTPReply {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let key { request.headers.add(name: "x-api-key", value: key) }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let json {
        request.headers.add(name: "content-type", value: contentType)
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
    var buffer = try await response.body.collect(upTo: 256 << 20)
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    return HTTPReply(status: Int(response.status.code), headers: headers, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
}

/// Submits a v2 job and returns the submit reply.
func submitV2(_ simulator: SegmindSimulator, _ slug: String, _ body: String) async throws -> HTTPReply {
    try await call(.POST, "\(simulator.baseURL)/v2/\(slug)", json: body)
}

/// Polls a status URL until the job is terminal (or `limit` seconds pass); returns the last reply and every status seen.
func pollUntilTerminal(_ statusURL: String, limit: Double = 120) async throws -> (HTTPReply, [String]) {
    let deadline = Date().addingTimeInterval(limit)
    var seen: [String] = []
    while true {
        let reply = try await call(.GET, statusURL)
        let status = reply.json?["status"] as? String ?? "?"
        if seen.last != status { seen.append(status) }
        if status == "COMPLETED" || status == "FAILED" || Date() > deadline { return (reply, seen) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Runs `body` against a fresh simulator and always stops it.
func withSimulator<T>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(scale: 0.125), _ body: (SegmindSimulator) async throws -> T
) async throws -> T {
    let simulator = try await SegmindSimulator.start(configuration)
    do {
        // The test's steps on the simulator's threads, so they keep their place in its jobs' timelines however busy
        // the cooperative pool is.
        let value = try await onServerThreads { try await body(simulator) }
        await simulator.stop()
        return value
    } catch {
        await simulator.stop()
        throw error
    }
}

/// A loopback static file server for input images and videos (the simulator fetches inputs over HTTP).
final class InputServer: Sendable {
    let baseURL: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let fetchLog: FetchLog

    private init(baseURL: String, group: ServiceGroup, task: Task<Void, any Error>, fetchLog: FetchLog) {
        self.baseURL = baseURL
        self.group = group
        self.task = task
        self.fetchLog = fetchLog
    }

    /// Every request received, with the time it arrived.
    var fetches: [(path: String, time: Date)] { fetchLog.entries }

    /// Serves the files of `directory` at `/<name>`.
    static func start(directory: URL) async throws -> InputServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let log = FetchLog()
        var logger = Logger(label: "input-server")
        logger.logLevel = .critical
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                log.append(request.uri.path)
                let name = String(request.uri.path.dropFirst())
                guard !name.contains("/"), let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
                else { return Response(status: .notFound) }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
            },
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(services: [app], logger: logger)
        let task = Task(executorPreference: DedicatedExecutor.servers) { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return InputServer(baseURL: "http://127.0.0.1:\(port)", group: group, task: task, fetchLog: log)
    }

    func url(_ name: String) -> String { "\(baseURL)/\(name)" }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// The requests an ``InputServer`` received, with their arrival times.
final class FetchLog: Sendable {
    private let storage = Mutex<[(path: String, time: Date)]>([])

    func append(_ path: String) { storage.withLock { $0.append((path, Date())) } }

    var entries: [(path: String, time: Date)] { storage.withLock { $0 } }
}

/// One status poll with the wall-clock times it was sent and answered.
struct TimedPoll {
    var status: String
    var sent: Date
    var received: Date
    var reply: HTTPReply
}

/// Polls `statusURL` every 100 ms until a terminal status, recording when each poll was sent and answered.
func timedPolls(_ statusURL: String, limit: Double = 120) async throws -> [TimedPoll] {
    var polls: [TimedPoll] = []
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
        let sent = Date()
        let reply = try await call(.GET, statusURL)
        let poll = TimedPoll(status: reply.json?["status"] as? String ?? "?", sent: sent, received: Date(), reply: reply)
        polls.append(poll)
        if poll.status == "COMPLETED" || poll.status == "FAILED" { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    return polls
}

/// Checks a job's status history against the latency, allowing for any delay of the machine: the server's clock
/// for a poll lies between `sent - submitAnswered` and `received - submitSent` seconds after the submit, so each
/// status must fit that window (QUEUED before latency/3, PROCESSING from latency/3, terminal from latency),
/// and the statuses must come in order. Returns the final status.
@discardableResult
func expectTimeline(_ polls: [TimedPoll], submitSent: Date, submitAnswered: Date, latency: Double, terminal: String) -> String? {
    let rank = ["QUEUED": 0, "PROCESSING": 1, terminal: 2]
    var last = -1
    for poll in polls {
        let earliest = poll.sent.timeIntervalSince(submitAnswered)
        let latest = poll.received.timeIntervalSince(submitSent)
        let r = rank[poll.status]
        #expect(r != nil, "unexpected status \(poll.status)")
        guard let r else { continue }
        #expect(r >= last, "\(poll.status) after a later status")
        last = r
        switch r {
        case 0: #expect(earliest < latency / 3, "QUEUED at \(earliest)...\(latest) s, latency \(latency) s")
        case 1: #expect(latest >= latency / 3, "PROCESSING at \(earliest)...\(latest) s, before latency/3")
        default: #expect(latest >= latency, "\(poll.status) at \(earliest)...\(latest) s, before the latency of \(latency) s")
        }
        // A poll answered well inside a window must show that window's status.
        if latest < latency / 3 { #expect(r == 0, "\(poll.status) at \(earliest)...\(latest) s, expected QUEUED") }
        if earliest >= latency / 3 && latest < latency { #expect(r == 1, "\(poll.status) at \(earliest)...\(latest) s, expected PROCESSING") }
    }
    #expect(polls.last?.status == terminal)
    return polls.last?.status
}

/// Starts `shotchain simulate ARGUMENTS` (standard error discarded) and reads the base URL it prints on its first
/// line (empty when it exits first). The caller signals and waits for the process.
func launchSimulateCommand(_ arguments: [String]) throws -> (process: Process, baseURL: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try shotchainExecutable())
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return (process, String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
