import Foundation
import Logging

/// The Segmind HTTP client: v2 submit/poll/fetch, v1 sync calls, retries and checked downloads.
///
/// Every message it builds from server or transport text has the API key redacted, and the key is
/// sent only to the configured API host (never to the media host outputs are downloaded from).
public struct SegmindClient: Sendable {
    /// The configuration.
    public let configuration: SegmindConfiguration
    let transport: any HTTPTransport
    let clock: any SegmindClock
    let inspector: any MediaInspector
    let random: @Sendable () -> Double
    let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - transport: the network (`AsyncHTTPTransport` in production, a fake in tests).
    ///   - clock: time and sleeping (inject a fake so tests do not wait).
    ///   - inspector: checks downloaded files.
    ///   - logger: debug lines (the key is redacted from them).
    ///   - random: the jitter source, in [0, 1).
    public init(
        configuration: SegmindConfiguration, transport: any HTTPTransport, clock: any SegmindClock = SystemClock(),
        inspector: any MediaInspector = DecodingMediaInspector(),
        logger: Logger = Logger(label: "shotchain.segmind", factory: { _ in SwiftLogNoOpLogHandler() }),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.inspector = inspector
        self.logger = logger
        self.random = random
    }

    // MARK: Plumbing shared by v2, v1 and downloads

    /// POSTs `request`'s body to `/<version>/<slug>`, retrying only while it surely was not accepted: the connection
    /// could not be made, or a 429 came back with attempts left. Any other answer is the caller's to read.
    ///
    /// - Throws: `SegmindError.configuration` when local inputs are unpublished, `transport` when no connection
    ///   could be made, `outcomeUnknown` when the body may have reached the service.
    func post(_ request: ValidatedRequest, version: String, timeout: Duration) async throws -> TransportResponse {
        try checkPublished(request)
        let slug = request.model.slug
        let url = "\(configuration.baseURL)/\(version)/\(slug)"
        let body = try encode(request.body)
        var attempt = 0
        while true {
            attempt += 1
            let response: TransportResponse
            do {
                response = try await transport.execute(
                    TransportRequest(method: "POST", url: url, headers: headers(for: url, json: true), body: body), timeout: timeout)
            } catch let failure as TransportFailure {
                debug("POST \(url) failed: \(failure)")
                if case .notSent = failure, attempt < configuration.retry.maxAttempts {
                    try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
                    continue
                }
                if case .notSent(let m) = failure {
                    throw SegmindError.transport(message: redact("could not connect to \(url): \(m)"), requestID: nil)
                }
                throw SegmindError.outcomeUnknown(slug: slug, message: redact(failure.description))
            }
            debug("POST \(url) -> \(response.status)")
            if response.status == 429, try await waitsToRetry(response, attempt: attempt) { continue }
            return response
        }
    }

    /// One GET of `url`; nil when the answer has a status worth retrying and the wait before the next attempt is over.
    func attemptGET(_ url: String, json: Bool, timeout: Duration, attempt: Int) async throws -> TransportResponse? {
        try await sendOnce(TransportRequest(method: "GET", url: url, headers: headers(for: url, json: json)), timeout: timeout, attempt: attempt)
    }

    /// One sending of `request`; nil when the answer has a status worth retrying and the wait before the next attempt is over.
    func sendOnce(_ request: TransportRequest, timeout: Duration, attempt: Int) async throws -> TransportResponse? {
        let response = try await transport.execute(request, timeout: timeout)
        debug("\(request.method) \(request.url) -> \(response.status)")
        return try await waitsToRetry(response, attempt: attempt) ? nil : response
    }

    /// Waits before another attempt when `response` has a status worth retrying (429 and 5xx gateway errors) and
    /// this was not the last attempt; true when the caller should try again.
    func waitsToRetry(_ response: TransportResponse, attempt: Int) async throws -> Bool {
        guard [429, 500, 502, 503, 504].contains(response.status), attempt < configuration.retry.maxAttempts else { return false }
        _ = try? await response.body.collect()
        if response.status == 429 {
            try await waitAfter429(response.headers, attempt: attempt)
        } else {
            try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
        }
        return true
    }

    func checkPublished(_ request: ValidatedRequest) throws {
        if let local = request.localInputs.first {
            throw SegmindError.configuration(
                "\(local.parameter): local file \(local.path) must be published as a URL first (see LocalInputPublisher.withPublishedInputs)"
            )
        }
    }

    func encode(_ body: [String: JSONValue]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    /// Headers for `url`: the key only for the API, history and storage hosts.
    func headers(for url: String, json: Bool) -> [(String, String)] {
        var h: [(String, String)] = [("accept", json ? "application/json" : "*/*"), ("user-agent", "shotchain/0.1")]
        if json { h.append(("content-type", "application/json")) }
        if sameOrigin(url) { h.append(("x-api-key", configuration.apiKey.secret)) }
        return h
    }

    /// Whether `url` is on the API, the history or the storage origin (the only three the key goes to).
    func sameOrigin(_ url: String) -> Bool {
        guard let a = URL(string: url) else { return false }
        return [configuration.baseURL, configuration.historyBaseURL, configuration.storageBaseURL].contains {
            URL(string: $0).map { RedirectPolicy.sameOrigin(a, $0) } ?? false
        }
    }

    func get(_ url: String, requestID: String?) async throws -> (TransportResponse, Data) {
        try await send(
            TransportRequest(method: "GET", url: url, headers: headers(for: url, json: true)), timeout: configuration.requestTimeout,
            requestID: requestID)
    }

    /// Sends a request that is safe to repeat (a GET, a free upload), retrying transport failures, 429 and 5xx
    /// gateway errors with the retry policy; returns the first other answer with its body.
    func send(_ request: TransportRequest, timeout: Duration, requestID: String?) async throws -> (TransportResponse, Data) {
        let url = request.url
        var attempt = 0
        while true {
            attempt += 1
            let last = attempt >= configuration.retry.maxAttempts
            do {
                guard let response = try await sendOnce(request, timeout: timeout, attempt: attempt) else { continue }
                return (response, try await response.body.collect())
            } catch let failure as TransportFailure {
                debug("\(request.method) \(url) failed: \(failure)")
                if last { throw SegmindError.transport(message: redact("\(request.method) \(url): \(failure)"), requestID: requestID) }
                try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
            }
        }
    }

    func waitAfter429(_ headers: [String: String], attempt: Int) async throws {
        let wait =
            configuration.retry.rateLimitWait(headers: headers, now: clock.now())
            ?? configuration.retry.backoff(afterAttempt: attempt, random: random())
        debug("rate limited; waiting \(wait) s")
        try await clock.sleep(seconds: wait + 0.05 * random())
    }

    func failure(_ response: TransportResponse, _ data: Data, job: Job) -> SegmindError {
        let e = httpError(response, data, requestID: job.requestID)
        switch response.status {
        case 404: return .notFound(requestID: job.requestID, message: e.message)
        case 422: return .jobFailed(requestID: job.requestID, message: e.message)
        default: return e.error
        }
    }

    func httpError(_ response: TransportResponse, _ data: Data, requestID: String?) -> (error: SegmindError, message: String) {
        let json = JSONValue.parse(data)
        var message = json?["error"]?.stringValue ?? json?["message"]?.stringValue ?? json?["detail"]?.stringValue ?? ""
        if message.isEmpty {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            message = text.contains("<") ? "(HTML body)" : text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if message.isEmpty { message = "(empty body)" }
        message = redact(message.replacingOccurrences(of: "\n", with: " "))
        let id = json?["request_id"]?.stringValue ?? response.headers["x-request-id"] ?? requestID
        let kind = HTTPFailureKind.classify(status: response.status, message: message)
        return (.http(status: response.status, kind: kind, message: message, requestID: id), message)
    }

    func redact(_ text: String) -> String { configuration.apiKey.redact(text) }

    func debug(_ text: String) { logger.debug("\(redact(text))") }
}
