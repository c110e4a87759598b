import Foundation
import Logging
import Segmind

/// A transport that answers from a script and records every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (TransportRequest, Int) async throws -> TransportResponse
    private let lock = NSLock()
    private var log: [TransportRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    func execute(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        let n = lock.withLock {
            log.append(request)
            return log.count
        }
        return try await handler(request, n)
    }

    var requests: [TransportRequest] { lock.withLock { log } }
    func count(_ method: String) -> Int { requests.filter { $0.method == method }.count }
}

/// A clock whose sleeps return at once and advance virtual time.
final class FakeClock: SegmindClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double = 1_800_000_000
    private var slept: [Double] = []

    func now() -> Double { lock.withLock { time } }
    func sleep(seconds: Double) async throws {
        lock.withLock {
            slept.append(seconds)
            time += seconds
        }
        await Task.yield()
    }
    var sleeps: [Double] { lock.withLock { slept } }
}

/// Collects log lines.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ s: String) { lock.withLock { stored.append(s) } }
    var lines: [String] { lock.withLock { stored } }

    var logger: Logger {
        var l = Logger(label: "test") { _ in CaptureHandler(capture: self) }
        l.logLevel = .trace
        return l
    }
}

struct CaptureHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { capture.append(event.message.description) }
}

func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> TransportResponse {
    TransportResponse(status: status, headers: ["content-type": "application/json"].merging(headers) { _, b in b }, body: .bytes(Array(text.utf8)))
}

func media(_ bytes: [UInt8], type: String = "video/mp4", length: Int? = nil, headers: [String: String] = [:]) -> TransportResponse {
    var h = headers
    h["content-type"] = type
    h["content-length"] = String(length ?? bytes.count)
    return TransportResponse(status: 200, headers: h, body: .bytes(bytes, chunkSize: 4096))
}

/// A body that delivers `bytes` then fails as a dropped connection would.
func droppedBody(_ bytes: [UInt8], announced: Int) -> TransportResponse {
    let first = ResponseBody.bytes(bytes)
    let body = ResponseBody {
        if let c = try await first.next() { return c }
        throw TransportFailure.afterSending("connection reset by peer")
    }
    return TransportResponse(status: 200, headers: ["content-type": "video/mp4", "content-length": String(announced)], body: body)
}

let testKey = "sk-test-SECRET-0123456789abcdef"
let base = "https://api.example.test"

func makeClient(_ transport: ScriptedTransport, clock: FakeClock = FakeClock(), logger: Logger? = nil, maxAttempts: Int = 4) throws
    -> SegmindClient
{
    var configuration = try SegmindConfiguration(baseURL: base + "/v1", apiKey: APIKey(testKey))
    configuration.retry = RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.5, maxDelay: 8)
    return SegmindClient(
        configuration: configuration, transport: transport, clock: clock,
        logger: logger ?? Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), random: { 0.5 })
}

func submitted(_ id: String) -> TransportResponse {
    json(
        200,
        #"{"request_id":"\#(id)","status":"QUEUED","poll_url":"\#(base)/v1/requests/\#(id)","status_url":"\#(base)/v2/requests/\#(id)/status","response_url":"\#(base)/v2/requests/\#(id)"}"#
    )
}

func scratch() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("segmind-tests-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func files(in dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
}
