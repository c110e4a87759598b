import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file the client wrote and checked.
public struct DownloadedFile: Sendable, Equatable, Codable {
    /// Where it is.
    public var path: String
    /// Its size in bytes.
    public var byteCount: Int64
    /// The `Content-Type` the server sent.
    public var contentType: String?
    /// Where it came from.
    public var sourceURL: String
    /// Video or image, as inspected.
    public var kind: OutputKind
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Duration in seconds (videos).
    public var durationSeconds: Double?
}

/// The outcome of a finished generation.
public struct GenerationOutcome: Sendable, Equatable, Codable {
    /// The v2 job (nil for a v1 call).
    public var job: Job?
    /// The result body (nil when v1 answered with the media itself).
    public var result: GenerationResult?
    /// The downloaded output.
    public var file: DownloadedFile
    /// Cost, credits and timings as reported.
    public var accounting: Accounting

    /// Creates an outcome.
    public init(job: Job?, result: GenerationResult?, file: DownloadedFile, accounting: Accounting) {
        self.job = job
        self.result = result
        self.file = file
        self.accounting = accounting
    }
}

/// The Segmind HTTP client: v2 submit/poll/fetch, v1 sync calls, retries and checked downloads.
///
/// Every message it builds from server or transport text has the API key redacted, and the key is
/// sent only to the configured API host (never to the media host outputs are downloaded from).
public struct SegmindClient: Sendable {
    /// The configuration.
    public let configuration: SegmindConfiguration
    private let transport: any HTTPTransport
    private let clock: any SegmindClock
    private let inspector: any MediaInspector
    private let random: @Sendable () -> Double
    private let logger: Logger

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

    // MARK: v2

    /// Submits a validated request (`POST /v2/<slug>`).
    ///
    /// Retried only when the request surely was not accepted (could not connect, or 429). A timeout or
    /// 5xx after the body was sent throws `outcomeUnknown` and is never resent.
    ///
    /// - Throws: `SegmindError` (`configuration` when local inputs are still unpublished).
    public func submit(_ request: ValidatedRequest) async throws -> Job {
        try checkPublished(request)
        let slug = request.model.slug
        let url = "\(configuration.baseURL)/v2/\(slug)"
        let body = try encode(request.body)
        var attempt = 0
        while true {
            attempt += 1
            let response: TransportResponse
            let data: Data
            do {
                response = try await transport.execute(
                    TransportRequest(method: "POST", url: url, headers: headers(for: url, json: true), body: body),
                    timeout: configuration.submitTimeout)
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
            do { data = try await response.body.collect() } catch {
                throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status), body cut short: \(error)"))
            }
            debug("POST \(url) -> \(response.status)")
            switch response.status {
            case 200..<300:
                guard case .object(let o)? = JSONValue.parse(data) else {
                    throw SegmindError.malformedResponse(message: "submit answered \(response.status) without a JSON body", requestID: nil)
                }
                let id = o["request_id"]?.stringValue
                guard let id, let statusURL = o["status_url"]?.stringValue, let responseURL = o["response_url"]?.stringValue else {
                    throw SegmindError.malformedResponse(
                        message: "submit answered \(response.status) without request_id, status_url and response_url; not polling",
                        requestID: id)
                }
                return Job(requestID: id, slug: slug, statusURL: statusURL, responseURL: responseURL, submittedAt: clock.now())
            case 429 where attempt < configuration.retry.maxAttempts:
                try await waitAfter429(response.headers, attempt: attempt)
            case 500...599:
                let e = httpError(response, data, requestID: nil)
                throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status) after the body was sent: \(e.message)"))
            default:
                throw httpError(response, data, requestID: nil).error
            }
        }
    }

    /// Polls once (`GET status_url`). A FAILED job (HTTP 422) is returned with its error, not thrown.
    ///
    /// - Throws: `SegmindError.notFound` for an unknown or expired id, other `SegmindError`s after retries.
    public func status(_ job: Job) async throws -> JobStatus {
        let (response, data) = try await get(job.statusURL, requestID: job.requestID)
        let body = JSONValue.parse(data)
        if response.status == 422 || (200..<300).contains(response.status) {
            guard case .object(let o)? = body, let state = o["status"]?.stringValue else {
                if response.status == 422 { throw httpError(response, data, requestID: job.requestID).error }
                throw SegmindError.malformedResponse(message: "status answer is not a JSON object with a status", requestID: job.requestID)
            }
            var metrics: [String: JSONValue] = [:]
            if case .object(let m)? = o["metrics"] { metrics = m }
            let jobState = response.status == 422 ? .failed : JobState(wire: state)
            return JobStatus(
                requestID: o["request_id"]?.stringValue ?? job.requestID, state: jobState,
                error: o["error"]?.stringValue.map(redact) ?? (jobState == .failed ? "no reason given" : nil), metrics: metrics)
        }
        throw failure(response, data, job: job)
    }

    /// Fetches the result (`GET response_url`).
    ///
    /// - Throws: `SegmindError.jobFailed` (422), `notFound` (404), other `SegmindError`s after retries.
    public func result(_ job: Job) async throws -> GenerationResult {
        let (response, data) = try await get(job.responseURL, requestID: job.requestID)
        if (200..<300).contains(response.status) {
            guard let body = JSONValue.parse(data), case .object = body else {
                throw SegmindError.malformedResponse(message: "result is not a JSON object", requestID: job.requestID)
            }
            return GenerationResult(requestID: job.requestID, body: body)
        }
        throw failure(response, data, job: job)
    }

    /// Polls until the job is COMPLETED, then fetches its result.
    ///
    /// - Parameters:
    ///   - deadline: seconds to wait (default: the model's `deadlineSeconds`, else 30 minutes).
    ///   - interval: seconds between polls (default: the model's, else 2).
    ///   - model: the catalog entry, for defaults and the expected time.
    ///   - progress: called after every poll.
    /// - Throws: `SegmindError.deadlineExceeded` with the request id when time runs out (nothing is lost),
    ///   `jobFailed`, `notFound`, or another `SegmindError`.
    public func wait(
        for job: Job, model: ModelSpec? = nil, deadline: Double? = nil, interval: Double? = nil,
        progress: (@Sendable (JobProgress) -> Void)? = nil
    ) async throws -> GenerationResult {
        let limit = deadline ?? model?.deadlineSeconds ?? 1800
        let pause = max(0.01, interval ?? model?.pollIntervalSeconds ?? 2)
        let start = clock.now()
        let origin = job.submittedAt ?? start
        var last = JobState.queued
        while true {
            let s = try await status(job)
            last = s.state
            progress?(
                JobProgress(
                    requestID: job.requestID, state: s.state, elapsedSeconds: clock.now() - origin, expectedSeconds: model?.typicalLatencySeconds))
            switch s.state {
            case .failed: throw SegmindError.jobFailed(requestID: job.requestID, message: s.error ?? "no reason given")
            case .completed:
                let r = try await result(job)
                if r.state == .completed || !r.outputURLs.isEmpty { return r }
                if r.state == .failed {
                    throw SegmindError.jobFailed(requestID: job.requestID, message: redact(r.raw["error"]?.stringValue ?? "no reason given"))
                }
            default: break
            }
            let waited = clock.now() - start
            if waited >= limit {
                throw SegmindError.deadlineExceeded(requestID: job.requestID, lastStatus: last.description, waitedSeconds: waited)
            }
            try await clock.sleep(seconds: min(pause, limit - waited))
        }
    }

    /// Submits, waits and downloads the first output to `destination`.
    ///
    /// - Parameters:
    ///   - onSubmitted: called with the job as soon as it is accepted (store the id there before polling).
    /// - Throws: `SegmindError`; after a submit, every error that loses nothing carries the request id.
    public func generate(
        _ request: ValidatedRequest, to destination: URL, deadline: Double? = nil, interval: Double? = nil,
        onSubmitted: @Sendable (Job) async throws -> Void = { _ in }, progress: (@Sendable (JobProgress) -> Void)? = nil
    ) async throws -> GenerationOutcome {
        let job = try await submit(request)
        try await onSubmitted(job)
        let result = try await wait(for: job, model: request.model, deadline: deadline, interval: interval, progress: progress)
        let file = try await download(result, to: destination, expecting: request.model.returns)
        return GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting)
    }

    /// Downloads a result's first output URL to `destination`.
    ///
    /// - Throws: `SegmindError.malformedResponse` when the result names no output URL, or a download error.
    public func download(_ result: GenerationResult, to destination: URL, expecting kind: OutputKind?) async throws -> DownloadedFile {
        guard let url = result.outputURLs.first else {
            throw SegmindError.malformedResponse(message: "the result names no output URL", requestID: result.requestID)
        }
        return try await download(url, to: destination, expecting: kind, requestID: result.requestID)
    }

    // MARK: v1

    /// Runs a request synchronously (`POST /v1/<slug>`), writing the media the server answers with to `destination`.
    ///
    /// A JSON answer is read as a result body and its output downloaded. Retried only when surely not accepted.
    public func runSync(_ request: ValidatedRequest, to destination: URL) async throws -> GenerationOutcome {
        try checkPublished(request)
        let slug = request.model.slug
        let url = "\(configuration.baseURL)/v1/\(slug)"
        let body = try encode(request.body)
        var attempt = 0
        while true {
            attempt += 1
            let response: TransportResponse
            do {
                response = try await transport.execute(
                    TransportRequest(method: "POST", url: url, headers: headers(for: url, json: true), body: body),
                    timeout: .seconds(max(request.model.deadlineSeconds, 60)))
            } catch let failure as TransportFailure {
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
            let accounting = Accounting(headers: response.headers)
            switch response.status {
            case 200..<300:
                let type = response.headers["content-type"]?.lowercased() ?? ""
                if type.contains("json") {
                    let data: Data
                    do { data = try await response.body.collect() } catch {
                        throw SegmindError.transport(message: redact("v1 answer cut short: \(error)"), requestID: accounting.requestID)
                    }
                    guard let json = JSONValue.parse(data) else {
                        throw SegmindError.malformedResponse(message: "v1 answered JSON that does not parse", requestID: accounting.requestID)
                    }
                    let result = GenerationResult(requestID: accounting.requestID ?? json["request_id"]?.stringValue ?? "v1", body: json)
                    if result.state == .failed {
                        throw SegmindError.jobFailed(requestID: result.requestID, message: redact(json["error"]?.stringValue ?? "no reason given"))
                    }
                    let file = try await download(result, to: destination, expecting: request.model.returns)
                    var merged = result.accounting
                    merged.cost = merged.cost ?? accounting.cost
                    merged.remainingCredits = merged.remainingCredits ?? accounting.remainingCredits
                    merged.seed = merged.seed ?? accounting.seed
                    return GenerationOutcome(job: nil, result: result, file: file, accounting: merged)
                }
                let file = try await writeBody(
                    response, from: url, to: destination, expecting: request.model.returns, requestID: accounting.requestID)
                return GenerationOutcome(job: nil, result: nil, file: file, accounting: accounting)
            case 429 where attempt < configuration.retry.maxAttempts:
                try await waitAfter429(response.headers, attempt: attempt)
            case 422:
                let data = (try? await response.body.collect()) ?? Data()
                let e = httpError(response, data, requestID: accounting.requestID)
                throw SegmindError.jobFailed(requestID: e.error.requestID ?? "unknown", message: e.message)
            case 500...599:
                let data = (try? await response.body.collect()) ?? Data()
                let e = httpError(response, data, requestID: accounting.requestID)
                throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status) after the body was sent: \(e.message)"))
            default:
                let data = (try? await response.body.collect()) ?? Data()
                throw httpError(response, data, requestID: accounting.requestID).error
            }
        }
    }

    // MARK: Downloads

    /// Streams `url` to `destination` under a temporary name in the same folder, checks the byte count
    /// against `Content-Length`, inspects the file, and renames it only when all is well.
    ///
    /// Retries 429, 5xx, transport failures and short bodies; no partial file is ever left behind.
    public func download(_ url: String, to destination: URL, expecting kind: OutputKind?, requestID: String?) async throws -> DownloadedFile {
        var attempt = 0
        while true {
            attempt += 1
            let last = attempt >= configuration.retry.maxAttempts
            do {
                let response = try await transport.execute(
                    TransportRequest(method: "GET", url: url, headers: headers(for: url, json: false)), timeout: configuration.downloadTimeout)
                debug("GET \(url) -> \(response.status)")
                if [429, 500, 502, 503, 504].contains(response.status) && !last {
                    if response.status == 429 {
                        try await waitAfter429(response.headers, attempt: attempt)
                    } else {
                        try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
                    }
                    continue
                }
                guard (200..<300).contains(response.status) else {
                    let data = (try? await response.body.collect(limit: 1 << 20)) ?? Data()
                    throw httpError(response, data, requestID: requestID).error
                }
                return try await writeBody(response, from: url, to: destination, expecting: kind, requestID: requestID)
            } catch let failure as TransportFailure {
                if last { throw SegmindError.transport(message: redact("download of \(url): \(failure)"), requestID: requestID) }
            } catch let error as SegmindError {
                guard case .incompleteDownload = error, !last else { throw error }
            }
            try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
        }
    }

    private func writeBody(
        _ response: TransportResponse, from url: String, to destination: URL, expecting kind: OutputKind?, requestID: String?
    ) async throws -> DownloadedFile {
        let folder = destination.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(destination.lastPathComponent).part-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw SegmindError.output(path: destination.path, message: "cannot create a file in \(folder.path)")
        }
        var renamed = false
        defer { if !renamed { try? FileManager.default.removeItem(at: temp) } }
        guard let handle = try? FileHandle(forWritingTo: temp) else {
            throw SegmindError.output(path: destination.path, message: "cannot open \(temp.path) for writing")
        }
        var count: Int64 = 0
        do {
            defer { try? handle.close() }
            while let chunk = try await response.body.next() {
                do { try handle.write(contentsOf: chunk) } catch {
                    throw SegmindError.output(path: destination.path, message: error.localizedDescription)
                }
                count += Int64(chunk.count)
            }
            try handle.synchronize()
        } catch let failure as TransportFailure {
            debug("download of \(url) cut short after \(count) bytes: \(failure)")
            throw SegmindError.incompleteDownload(
                url: redact(url), expected: response.headers["content-length"].flatMap { Int64($0) }, received: count)
        }
        let expected = response.headers["content-length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        if let expected, expected != count {
            throw SegmindError.incompleteDownload(url: redact(url), expected: expected, received: count)
        }
        if count == 0 { throw SegmindError.incompleteDownload(url: redact(url), expected: expected, received: 0) }
        let facts: MediaFacts
        do { facts = try inspector.inspect(path: temp.path) } catch let error as SegmindError {
            let detail: String
            if case .badMedia(_, let m) = error { detail = m } else { detail = error.description }
            throw SegmindError.badMedia(path: destination.path, message: "downloaded output from \(redact(url)) is not usable: \(detail)")
        }
        if let kind, facts.kind != kind {
            throw SegmindError.badMedia(
                path: destination.path, message: "expected a \(kind.rawValue), downloaded a \(facts.kind.rawValue) (\(facts.format))")
        }
        guard rename(temp.path, destination.path) == 0 else {
            throw SegmindError.output(path: destination.path, message: String(cString: strerror(errno)))
        }
        renamed = true
        return DownloadedFile(
            path: destination.path, byteCount: count, contentType: response.headers["content-type"], sourceURL: redact(url), kind: facts.kind,
            width: facts.width, height: facts.height, durationSeconds: facts.durationSeconds)
    }

    // MARK: Plumbing

    private func checkPublished(_ request: ValidatedRequest) throws {
        if let local = request.localInputs.first {
            throw SegmindError.configuration(
                "\(local.parameter): local file \(local.path) must be published as a URL first (the frame server is not wired in yet; give an http(s) URL)"
            )
        }
    }

    private func encode(_ body: [String: JSONValue]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(body)
    }

    /// Headers for `url`: the key only for the API host.
    private func headers(for url: String, json: Bool) -> [(String, String)] {
        var h: [(String, String)] = [("accept", json ? "application/json" : "*/*"), ("user-agent", "shotchain/0.1")]
        if json { h.append(("content-type", "application/json")) }
        if sameOrigin(url) { h.append(("x-api-key", configuration.apiKey.secret)) }
        return h
    }

    private func sameOrigin(_ url: String) -> Bool {
        guard let a = URL(string: url), let b = URL(string: configuration.baseURL) else { return false }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && a.port == b.port
    }

    private func get(_ url: String, requestID: String?) async throws -> (TransportResponse, Data) {
        var attempt = 0
        while true {
            attempt += 1
            let last = attempt >= configuration.retry.maxAttempts
            do {
                let response = try await transport.execute(
                    TransportRequest(method: "GET", url: url, headers: headers(for: url, json: true)), timeout: configuration.requestTimeout)
                let data = try await response.body.collect()
                debug("GET \(url) -> \(response.status)")
                if [429, 500, 502, 503, 504].contains(response.status) && !last {
                    if response.status == 429 {
                        try await waitAfter429(response.headers, attempt: attempt)
                    } else {
                        try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
                    }
                    continue
                }
                return (response, data)
            } catch let failure as TransportFailure {
                debug("GET \(url) failed: \(failure)")
                if last { throw SegmindError.transport(message: redact("GET \(url): \(failure)"), requestID: requestID) }
                try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
            }
        }
    }

    private func waitAfter429(_ headers: [String: String], attempt: Int) async throws {
        let wait =
            configuration.retry.rateLimitWait(headers: headers, now: clock.now())
            ?? configuration.retry.backoff(afterAttempt: attempt, random: random())
        debug("rate limited; waiting \(wait) s")
        try await clock.sleep(seconds: wait + 0.05 * random())
    }

    private func failure(_ response: TransportResponse, _ data: Data, job: Job) -> SegmindError {
        let e = httpError(response, data, requestID: job.requestID)
        switch response.status {
        case 404: return .notFound(requestID: job.requestID, message: e.message)
        case 422: return .jobFailed(requestID: job.requestID, message: e.message)
        default: return e.error
        }
    }

    private func httpError(_ response: TransportResponse, _ data: Data, requestID: String?) -> (error: SegmindError, message: String) {
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

    private func redact(_ text: String) -> String { configuration.apiKey.redact(text) }

    private func debug(_ text: String) { logger.debug("\(redact(text))") }
}
