import Foundation
import MediaTestSupport
import Presets
import Segmind
import Testing

private func model(_ slug: String) throws -> ModelSpec {
    try ModelCatalog(directory: Presets.directory.appendingPathComponent("models")).model(slug)
}

private func i2v() throws -> ValidatedRequest {
    try RequestValidator().validate(
        model: try model("kling-o1-image-to-video"), parameters: ["prompt": "a cat", "start_image_url": "https://e.com/a.png", "duration": 5])
}

private func mp4Bytes() async throws -> [UInt8] {
    [UInt8](try Data(contentsOf: try await TestCorpus.shared.url(.bframesAAC)))
}

@Test func v2HappyPathSubmitsOncePollsAndDownloads() async throws {
    let video = try await mp4Bytes()
    let polls = Counter()
    let transport = ScriptedTransport { r, _ in
        if r.method == "POST" { return submitted("abc-1") }
        if r.url.hasSuffix("/status") {
            let n = polls.next()
            return json(200, #"{"status":"\#(n <= 2 ? "QUEUED" : n <= 4 ? "PROCESSING" : "COMPLETED")","request_id":"abc-1","metrics":{}}"#)
        }
        if r.url.hasSuffix("/v2/requests/abc-1") {
            return json(
                200,
                #"{"status":"COMPLETED","error":null,"metrics":{"inference_time":13.06,"cost":0.912},"output":"https://media.example.test/out.mp4"}"#)
        }
        if r.url == "https://media.example.test/out.mp4" { return media(video) }
        return json(404, #"{"error":"no route"}"#)
    }
    let clock = FakeClock()
    let client = try makeClient(transport, clock: clock)
    let dir = scratch()
    let dest = dir.appendingPathComponent("shot.mp4")
    let states = Counter()
    let outcome = try await client.generate(try i2v(), to: dest, progress: { _ in _ = states.next() })
    #expect(transport.count("POST") == 1)
    #expect(transport.requests.first?.url == "https://api.example.test/v2/kling-o1-image-to-video")
    let body = try #require(transport.requests.first?.body)
    #expect(JSONValue.parse(body) == .object(["prompt": "a cat", "start_image_url": "https://e.com/a.png", "duration": "5"]))
    #expect(transport.requests.first?.header("x-api-key") == testKey)
    #expect(transport.requests.last?.header("x-api-key") == nil, "the key must not go to the media host")
    #expect(states.value == 5)
    #expect(clock.sleeps == [2, 2, 2, 2])
    #expect(outcome.file.byteCount == Int64(video.count))
    #expect(try Data(contentsOf: dest) == Data(video))
    #expect(outcome.file.width == 1280 && outcome.file.height == 720)
    #expect(outcome.accounting.cost == 0.912)
    #expect(files(in: dir) == ["shot.mp4"])
}

@Test(arguments: [
    (400, #"{"error":"Invalid prompt"}"#, HTTPFailureKind.badRequest),
    (401, #"{"error":"Invalid API key"}"#, .unauthorized),
    (403, #"{"error":"Model not allowed"}"#, .forbidden),
    (404, #"{"error":"Model not found"}"#, .notFound),
    (405, "<html><body>Method Not Allowed</body></html>", .methodNotAllowed),
    (406, #"{"error":"Insufficient credits: balance 0.10, cost 0.91"}"#, .insufficientCredits),
    (406, #"{"error":"Invalid content type"}"#, .invalidContentType),
    (410, #"{"error":"Model retired"}"#, .modelRetired),
])
func submitErrorStatusesAreTypedAndNotRetried(status: Int, body: String, kind: HTTPFailureKind) async throws {
    let transport = ScriptedTransport { _, _ in json(status, body) }
    let client = try makeClient(transport)
    do {
        _ = try await client.submit(try i2v())
        Issue.record("expected an error")
    } catch let SegmindError.http(s, k, message, _) {
        #expect(s == status)
        #expect(k == kind)
        #expect(!message.isEmpty)
    }
    #expect(transport.count("POST") == 1)
}

@Test func submitAfterBodySentIsNeverResent() async throws {
    let failures: [@Sendable () throws -> TransportResponse] = [
        { () -> TransportResponse in throw TransportFailure.timedOut("deadline") },
        { () -> TransportResponse in throw TransportFailure.afterSending("connection reset") },
        { () -> TransportResponse in json(502, #"{"error":"Bad gateway"}"#) },
        { () -> TransportResponse in json(500, #"{"error":"boom"}"#) },
        { () -> TransportResponse in json(504, "") },
    ]
    for failure in failures {
        let transport = ScriptedTransport { _, _ in try failure() }
        let client = try makeClient(transport)
        await #expect {
            try await client.submit(try i2v())
        } throws: { error in
            guard let e = error as? SegmindError, case .outcomeUnknown = e else { return false }
            return e.isPending && e.description.contains("not resent") && e.description.contains("request history")
        }
        #expect(transport.count("POST") == 1)
    }
}

@Test func submitIsRetriedWhenSurelyNotAccepted() async throws {
    let transport = ScriptedTransport { _, n in
        if n == 1 { throw TransportFailure.notSent("connection refused") }
        if n == 2 { return json(429, #"{"error":"Too many requests"}"#, headers: ["x-rate-limit-reset-at-utc": "2027-01-15T08:00:07Z"]) }
        return submitted("r-2")
    }
    let clock = FakeClock()
    let client = try makeClient(transport, clock: clock)
    let job = try await client.submit(try i2v())
    #expect(job.requestID == "r-2")
    #expect(transport.count("POST") == 3)
    #expect(clock.sleeps.count == 2)
    #expect(clock.sleeps[0] == 0.375)  // backoff: 0.5 s ceiling, half plus jittered half (random 0.5)
    // 2027-01-15T08:00:07Z is 1_800_000_007 s; the fake clock is at 1_800_000_000.375 by then.
    #expect(abs(clock.sleeps[1] - (7 - 0.375 + 0.025)) < 1e-6, "\(clock.sleeps)")
}

@Test func submitWithoutJobFieldsIsAnError() async throws {
    let transport = ScriptedTransport { _, _ in json(200, #"{"request_id":"x","status":"QUEUED"}"#) }
    await #expect {
        try await makeClient(transport).submit(try i2v())
    } throws: { error in
        guard case .malformedResponse(_, let id)? = error as? SegmindError else { return false }
        return id == "x"
    }
    #expect(transport.requests.count == 1)
}

@Test func pollingRetriesGatewayErrorsRateLimitsAndDrops() async throws {
    let transport = ScriptedTransport { r, n in
        switch n {
        case 1: return json(502, #"{"error":"bad gateway"}"#)
        case 2: throw TransportFailure.afterSending("reset")
        case 3: return json(429, "{}", headers: ["retry-after": "3"])
        case 4: return json(503, "")
        default: return json(200, #"{"status":"PROCESSING","request_id":"j"}"#)
        }
    }
    let clock = FakeClock()
    let client = try makeClient(transport, clock: clock, maxAttempts: 6)
    let job = try Job.reopen(requestID: "j", baseURL: base)
    let status = try await client.status(job)
    #expect(status.state == .processing)
    #expect(transport.requests.count == 5)
    #expect(transport.requests.allSatisfy { $0.method == "GET" && $0.url == "https://api.example.test/v2/requests/j/status" })
    #expect(clock.sleeps.count == 4)
    #expect(abs(clock.sleeps[2] - 3.025) < 1e-9)
}

@Test func pollingGivesUpAfterBoundedAttempts() async throws {
    let transport = ScriptedTransport { _, _ in throw TransportFailure.afterSending("reset") }
    let client = try makeClient(transport, maxAttempts: 4)
    await #expect {
        try await client.status(try Job.reopen(requestID: "j", baseURL: base))
    } throws: { error in
        guard case .transport(_, let id)? = error as? SegmindError else { return false }
        return id == "j"
    }
    #expect(transport.requests.count == 4)
}

@Test func failedJobCarriesTheServersError() async throws {
    let transport = ScriptedTransport { _, _ in
        json(422, #"{"status":"FAILED","error":"Content blocked by safety filter","metrics":{},"request_id":"f1"}"#)
    }
    let client = try makeClient(transport)
    let job = try Job.reopen(requestID: "f1", baseURL: base)
    let status = try await client.status(job)
    #expect(status.state == .failed && status.error == "Content blocked by safety filter")
    await #expect(throws: SegmindError.jobFailed(requestID: "f1", message: "Content blocked by safety filter")) {
        try await client.wait(for: job)
    }
    await #expect(throws: SegmindError.jobFailed(requestID: "f1", message: "Content blocked by safety filter")) {
        try await client.result(job)
    }
    #expect(transport.requests.count == 3)
}

@Test func unknownOrExpiredIDIsNotFound() async throws {
    let transport = ScriptedTransport { _, _ in json(404, #"{"error":"Request gone-1 not found"}"#) }
    let client = try makeClient(transport)
    await #expect(throws: SegmindError.notFound(requestID: "gone-1", message: "Request gone-1 not found")) {
        try await client.status(try Job.reopen(requestID: "gone-1", baseURL: base))
    }
    #expect(transport.requests.count == 1)
}

@Test func deadlineHandsBackTheRequestID() async throws {
    let transport = ScriptedTransport { _, _ in json(200, #"{"status":"PROCESSING","request_id":"slow"}"#) }
    let clock = FakeClock()
    let client = try makeClient(transport, clock: clock)
    let job = try Job.reopen(requestID: "slow", baseURL: base)
    await #expect {
        try await client.wait(for: job, model: try model("kling-o3-image2video"))
    } throws: { error in
        guard let e = error as? SegmindError, case .deadlineExceeded(let id, let last, let waited) = e else { return false }
        return id == "slow" && last == "PROCESSING" && waited >= 1800 && e.isPending && e.description.contains("shotchain result slow")
    }
    #expect(transport.requests.count == 901)  // a poll every 2 s for 1800 s, plus the first
    #expect(clock.sleeps.reduce(0, +) == 1800)
}

@Test func truncatedDownloadLeavesNoFile() async throws {
    let video = try await mp4Bytes()
    let transport = ScriptedTransport { _, n in
        n % 2 == 1 ? droppedBody(Array(video.prefix(video.count / 2)), announced: video.count) : media(Array(video.prefix(1000)), length: video.count)
    }
    let client = try makeClient(transport, maxAttempts: 3)
    let dir = scratch()
    await #expect {
        try await client.download("https://media.example.test/o.mp4", to: dir.appendingPathComponent("o.mp4"), expecting: .video, requestID: "t")
    } throws: { error in
        guard case .incompleteDownload(_, let expected, _)? = error as? SegmindError else { return false }
        return expected == Int64(video.count)
    }
    #expect(transport.requests.count == 3)
    #expect(files(in: dir).isEmpty)
}

@Test func downloadThatIsNotMediaIsRefused() async throws {
    let transport = ScriptedTransport { _, _ in media(Array("<html>oops</html>".utf8), type: "text/html") }
    let dir = scratch()
    await #expect {
        try await makeClient(transport).download("https://m.test/x.mp4", to: dir.appendingPathComponent("x.mp4"), expecting: .video, requestID: nil)
    } throws: { error in
        guard case .badMedia(let path, _)? = error as? SegmindError else { return false }
        return path.hasSuffix("x.mp4")
    }
    #expect(files(in: dir).isEmpty)
    let png = [UInt8](try Data(contentsOf: try await TestCorpus.shared.url(.pngRGB)))
    let t2 = ScriptedTransport { _, _ in media(png, type: "image/png") }
    await #expect {
        try await makeClient(t2).download("https://m.test/x.png", to: dir.appendingPathComponent("x.mp4"), expecting: .video, requestID: nil)
    } throws: { error in
        guard case .badMedia(_, let message)? = error as? SegmindError else { return false }
        return message.contains("expected a video")
    }
    #expect(files(in: dir).isEmpty)
}

@Test(arguments: [
    (#"{"status":"COMPLETED","output":"https://m.test/a.mp4"}"#, ["https://m.test/a.mp4"]),
    (#"{"status":"COMPLETED","output":["https://m.test/a.png","https://m.test/b.png"]}"#, ["https://m.test/a.png", "https://m.test/b.png"]),
    (
        #"{"status":"COMPLETED","output":"https://m.test/a.mp4","video":{"url":"https://m.test/v.mp4","content_type":"video/mp4"}}"#,
        ["https://m.test/v.mp4", "https://m.test/a.mp4"]
    ),
    (#"{"status":"COMPLETED","output":null,"images":[{"url":"https://m.test/i.png"}]}"#, ["https://m.test/i.png"]),
    (#"{"status":"COMPLETED","output":{"url":"https://m.test/o.jpg"}}"#, ["https://m.test/o.jpg"]),
])
func resultsAreDecodedLeniently(body: String, urls: [String]) throws {
    let raw = try #require(JSONValue.parse(body))
    let r = GenerationResult(requestID: "x", body: raw)
    #expect(r.outputURLs == urls)
    #expect(r.raw == raw)
    #expect(r.state == .completed)
}

@Test func apiKeyNeverAppearsInErrorsOrLogs() async throws {
    let capture = LogCapture()
    let transport = ScriptedTransport { r, _ in
        if r.method == "POST" { return json(401, #"{"error":"key \#(testKey) is invalid"}"#) }
        throw TransportFailure.afterSending("peer said \(testKey)")
    }
    let client = try makeClient(transport, logger: capture.logger, maxAttempts: 2)
    var messages: [String] = []
    do { _ = try await client.submit(try i2v()) } catch { messages.append(String(describing: error)) }
    do { _ = try await client.status(try Job.reopen(requestID: "k", baseURL: base)) } catch { messages.append(String(describing: error)) }
    #expect(messages.count == 2)
    #expect(messages[0].contains("[REDACTED]"))
    for text in messages + capture.lines { #expect(!text.contains(testKey), "\(text)") }
    #expect(!capture.lines.isEmpty)
    #expect(!"\(client.configuration.apiKey)".contains(testKey))
}

@Test func v1WritesTheMediaBodyAndReadsAccounting() async throws {
    let video = try await mp4Bytes()
    let transport = ScriptedTransport { r, _ in
        #expect(r.url == "https://api.example.test/v1/kling-o1-image-to-video")
        return media(
            video,
            headers: ["x-cost": "0.912", "x-remaining-credits": "99.5", "x-request-id": "v1-req", "x-generation-time": "140.2", "x-seed-value": "42"])
    }
    let dir = scratch()
    let outcome = try await makeClient(transport).runSync(try i2v(), to: dir.appendingPathComponent("v1.mp4"))
    #expect(outcome.accounting == Accounting(cost: 0.912, remainingCredits: 99.5, requestID: "v1-req", generationTime: 140.2, seed: "42"))
    #expect(outcome.file.byteCount == Int64(video.count))
    #expect(files(in: dir) == ["v1.mp4"])
}

@Test func v1JSONAnswerIsReadAsAResult() async throws {
    let png = [UInt8](try Data(contentsOf: try await TestCorpus.shared.url(.pngRGB)))
    let transport = ScriptedTransport { r, _ in
        if r.method == "POST" { return json(200, #"{"status":"COMPLETED","output":"https://m.test/o.png","metrics":{"cost":0.035}}"#) }
        return media(png, type: "image/png")
    }
    let request = try RequestValidator().validate(model: try model("kling-o1"), parameters: ["image_urls": ["https://e.com/a.png"]])
    let dir = scratch()
    let outcome = try await makeClient(transport).runSync(request, to: dir.appendingPathComponent("o.png"))
    #expect(outcome.file.kind == .image && outcome.file.width == 200 && outcome.file.height == 150)
    #expect(outcome.accounting.cost == 0.035)
}

@Test func localInputsAreRefusedBeforeAnyRequest() async throws {
    let transport = ScriptedTransport { _, _ in submitted("never") }
    let png = try await TestCorpus.shared.path(.pngRGB)
    let request = ValidatedRequestFixture.withLocalInput(try model("kling-o1"), path: png)
    await #expect {
        try await makeClient(transport).submit(request)
    } throws: { error in
        (error as? SegmindError)?.description.contains("image_urls") == true
    }
    #expect(transport.requests.isEmpty)
}

@Test(arguments: [
    ("https://api.segmind.com", "https://api.segmind.com"), ("https://api.segmind.com/", "https://api.segmind.com"),
    ("https://api.segmind.com/v1", "https://api.segmind.com"), ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080"),
])
func baseURLIsNormalised(raw: String, expected: String) throws {
    #expect(try SegmindConfiguration(baseURL: raw, apiKey: APIKey("k")).baseURL == expected)
}

@Test func badBaseURLAndRequestIDAreRefused() throws {
    #expect(throws: SegmindError.self) { try SegmindConfiguration(baseURL: "api.segmind.com", apiKey: APIKey("k")) }
    #expect(throws: SegmindError.self) { try Job.reopen(requestID: "../etc", baseURL: base) }
    let job = try Job.reopen(requestID: "2c7f59ea-13f1", baseURL: base + "/v1")
    #expect(job.statusURL == "https://api.example.test/v2/requests/2c7f59ea-13f1/status")
    let decoded = try JSONDecoder().decode(Job.self, from: try JSONEncoder().encode(job))
    #expect(decoded == job)
}

/// A counter shared with `@Sendable` closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int {
        lock.withLock {
            n += 1; return n
        }
    }
    var value: Int { lock.withLock { n } }
}

enum ValidatedRequestFixture {
    /// A validated request that still holds a local input (validation passes only for a large enough image, so build it directly).
    static func withLocalInput(_ model: ModelSpec, path: String) -> ValidatedRequest {
        struct Accepting: MediaInspector {
            func inspect(path: String) throws -> MediaFacts { MediaFacts(kind: .image, format: "png", width: 1000, height: 1000, byteCount: 10) }
        }
        return try! RequestValidator(inspector: Accepting()).validate(
            model: model, parameters: [:], localInputs: [LocalInput(parameter: "image_urls", path: path)])
    }
}

@Test func configurationReadsTheKeyFromAFileOrTheEnvironment() throws {
    let dir = scratch()
    let keyFile = dir.appendingPathComponent("key").path
    try Data("  file-key-123456\n".utf8).write(to: URL(fileURLWithPath: keyFile))
    let fromFile = try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: keyFile, environment: ["SEGMIND_API_KEY": "env-key-999999"])
    #expect(fromFile.apiKey == APIKey("file-key-123456"))
    #expect(fromFile.baseURL == "https://api.segmind.com")
    let fromEnv = try SegmindConfiguration.resolve(
        baseURL: nil, apiKeyFile: nil, environment: ["SEGMIND_API_KEY": "env-key-999999", "SEGMIND_BASE_URL": "http://127.0.0.1:9/v1"])
    #expect(fromEnv.apiKey == APIKey("env-key-999999") && fromEnv.baseURL == "http://127.0.0.1:9")
    #expect(throws: SegmindError.configuration("no API key: set SEGMIND_API_KEY or pass --api-key-file FILE")) {
        try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: [:])
    }
    #expect(throws: SegmindError.configuration("SEGMIND_API_KEY is empty")) {
        try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: ["SEGMIND_API_KEY": " \n"])
    }
    #expect(throws: SegmindError.self) {
        try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: dir.appendingPathComponent("none").path, environment: [:])
    }
}
