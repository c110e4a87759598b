import Foundation
import Segmind
import Testing

private let historyBase = "https://history.example.test"
private let rowA =
    #"{"request_id":"a1","model_name":"kling-o1","model_status":"COMPLETED","credits_deduction":0.5,"request_body":{"prompt":"x"},"generation_url":"https://cdn.example.test/a1.mp4","latency_ms":1200,"created_at":"2026-11-30T10:00:00Z"}"#
private let rowB =
    #"{"request_id":"b2","model_name":"kling-o3-image2video","model_status":"FAILED","credits_deduction":"0","error":"filtered","created_at":1796000000000}"#

/// A client whose history host is `historyBase` and whose API host is the fakes' `base`.
private func historyClient(_ transport: ScriptedTransport, maxAttempts: Int = 4) throws -> SegmindClient {
    var configuration = try SegmindConfiguration(baseURL: base, historyBaseURL: historyBase, apiKey: APIKey(testKey))
    configuration.retry = RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.5, maxDelay: 8)
    return SegmindClient(configuration: configuration, transport: transport, clock: FakeClock(), random: { 0.5 })
}

/// A page of `size` rows with ids `p<n>-<i>`.
private func page(_ n: Int, size: Int) -> String {
    "[" + (0..<size).map { #"{"request_id":"p\#(n)-\#($0)"}"# }.joined(separator: ",") + "]"
}

@Suite("Request history client")
struct HistoryClientTests {
    @Test(
        "Every envelope decodes, repeats are dropped",
        arguments: [
            "[\(rowA),\(rowB),\(rowA)]", #"{"data":[\#(rowA),\#(rowB),\#(rowA)]}"#, #"{"items":[\#(rowA),\#(rowB),\#(rowA)]}"#,
            #"{"results":[\#(rowA),\#(rowB),\#(rowA)]}"#, #"{"rows":[\#(rowA),\#(rowB),\#(rowA)]}"#, #"{"history":[\#(rowA),\#(rowB),\#(rowA)]}"#,
            #"{"data":{"items":[\#(rowA),\#(rowB),\#(rowA)],"total":3}}"#,
        ])
    func envelopes(_ body: String) async throws {
        let transport = ScriptedTransport { _, _ in json(200, body) }
        let rows = try await historyClient(transport).history(HistoryQuery())
        #expect(rows.map(\.requestID) == ["a1", "b2"])
        let a = rows[0]
        #expect(a.status == .completed && a.costUSD == 0.5 && a.modelName == "kling-o1" && a.latencyMS == 1200)
        #expect(a.generationURL == "https://cdn.example.test/a1.mp4" && a.requestBody == ["prompt": "x"])
        #expect(a.createdAt == ISO8601DateFormatter().date(from: "2026-11-30T10:00:00Z")?.timeIntervalSince1970)
        let b = rows[1]
        #expect(b.status == .failed && b.error == "filtered" && b.costUSD == 0 && b.createdAt == 1_796_000_000 && b.requestBody == nil)
        let request = try #require(transport.requests.first)
        #expect(request.url == "\(historyBase)/inference-request/request-history?page=1&per_page=20")
        #expect(request.header("x-api-key") == testKey)
    }

    @Test("An answer without a list of rows is malformed")
    func noRows() async throws {
        let transport = ScriptedTransport { _, _ in json(200, #"{"total":0,"message":"ok"}"#) }
        await #expect {
            try await historyClient(transport).history(HistoryQuery())
        } throws: { error in
            guard case .malformedResponse? = error as? SegmindError else { return false }
            return true
        }
    }

    @Test("Only a present and equal request_body matches what was sent")
    func matchesSent() {
        let sent: [String: JSONValue] = ["prompt": "x", "duration": "5"]
        #expect(HistoryRecord(raw: ["request_id": "a", "request_body": .object(sent)]).matchesSent(sent))
        #expect(HistoryRecord(raw: ["request_id": "a", "request_body": .string(#"{"duration":"5","prompt":"x"}"#)]).matchesSent(sent))
        #expect(!HistoryRecord(raw: ["request_id": "a", "request_body": ["prompt": "y", "duration": "5"]]).matchesSent(sent))
        #expect(!HistoryRecord(raw: ["request_id": "a"]).matchesSent(sent))
        #expect(!HistoryRecord(raw: ["request_id": "a", "request_body": .null]).matchesSent([:]))
        #expect(!HistoryRecord(raw: ["request_id": "a", "request_body": "not json"]).matchesSent([:]))
    }

    @Test(
        "Queries the service would refuse are refused before sending",
        arguments: [
            HistoryQuery(perPage: 0), HistoryQuery(perPage: 101), HistoryQuery(page: 0), HistoryQuery(fromDate: "2026-01-01", toDate: "2026-02-02"),
            HistoryQuery(fromDate: "2026-02-02", toDate: "2026-02-01"), HistoryQuery(fromDate: "2026-02-30"), HistoryQuery(toDate: "26-01-01"),
            HistoryQuery(fromDate: "2026-1-011"),
        ])
    func refusedBeforeSending(_ query: HistoryQuery) async throws {
        let transport = ScriptedTransport { _, _ in json(200, "[]") }
        await #expect {
            try await historyClient(transport).history(query)
        } throws: { error in
            guard case .configuration(let m)? = error as? SegmindError else { return false }
            return m.contains("history")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("A 31-day window and every parameter are sent, encoded")
    func fullQuery() async throws {
        let transport = ScriptedTransport { _, _ in json(200, "[]") }
        let query = HistoryQuery(
            page: 2, perPage: 100, fromDate: "2026-01-01", toDate: "2026-02-01", modelName: "kling o1+", status: .pending, sortBy: .cost,
            ascending: true)
        _ = try await historyClient(transport).history(query)
        #expect(
            transport.requests.first?.url
                == "\(historyBase)/inference-request/request-history?page=2&per_page=100&from_date=2026-01-01&to_date=2026-02-01"
                + "&model_name=kling%20o1%2B&status=PENDING&sort_by=credits_deduction&sort_order=asc")
    }

    @Test("One id: the row itself or under data; 404 and an empty answer are nil; a 503 is retried")
    func singleID() async throws {
        for body in [rowA, #"{"data":\#(rowA)}"#] {
            let transport = ScriptedTransport { _, n in n == 1 ? json(503, "busy") : json(200, body) }
            let record = try #require(try await historyClient(transport).history(requestID: "a1"))
            #expect(record.requestID == "a1" && record.status == .completed)
            #expect(transport.requests.map(\.url) == Array(repeating: "\(historyBase)/inference-request/request-history/a1", count: 2))
        }
        for (status, body) in [(404, #"{"error":"not found"}"#), (200, #"{"data":null}"#), (200, "{}")] {
            let transport = ScriptedTransport { _, _ in json(status, body) }
            #expect(try await historyClient(transport).history(requestID: "zz") == nil)
        }
        let other = ScriptedTransport { _, _ in json(200, rowB) }
        await #expect(throws: SegmindError.self) { try await historyClient(other).history(requestID: "a1") }
        await #expect(throws: SegmindError.self) { try await historyClient(other).history(requestID: "../v2") }
        #expect(other.requests.count == 1)
    }

    @Test("Walking pages stops at a short page or the page limit, and at the row limit")
    func walking() async throws {
        let short = ScriptedTransport { _, n in json(200, page(n, size: n < 3 ? 2 : 1)) }
        let rows = try await historyClient(short).history(walking: HistoryQuery(perPage: 2))
        #expect(rows.count == 5 && short.requests.count == 3)
        #expect(short.requests.last?.url.contains("page=3&") == true)
        let endless = ScriptedTransport { _, n in json(200, page(n, size: 2)) }
        #expect(try await historyClient(endless).history(walking: HistoryQuery(perPage: 2), pageLimit: 4).count == 8)
        #expect(endless.requests.count == 4)
        let limited = ScriptedTransport { _, n in json(200, page(n, size: 2)) }
        #expect(try await historyClient(limited).history(walking: HistoryQuery(perPage: 2), limit: 3).map(\.requestID) == ["p1-0", "p1-1", "p2-0"])
        #expect(limited.requests.count == 2)
    }

    @Test("The key goes to the API and history hosts only")
    func keyOnlyToItsOrigins() async throws {
        let transport = ScriptedTransport { request, _ in
            request.url.hasPrefix("https://cdn.") ? media(Array(repeating: 0, count: 16)) : json(200, rowA)
        }
        let client = try historyClient(transport, maxAttempts: 1)
        let record = try #require(try await client.history(requestID: "a1"))
        let job = try Job.reopen(requestID: "a1", baseURL: base)
        _ = try? await client.download(record, for: job, to: scratch().appendingPathComponent("a1.mp4"), expecting: nil)
        _ = try? await client.status(job)
        let keys = transport.requests.map { ($0.url.components(separatedBy: "/")[2], $0.header("x-api-key")) }
        #expect(keys.map(\.0) == ["history.example.test", "cdn.example.test", "api.example.test"])
        #expect(keys.map(\.1) == [testKey, nil, testKey])
        // A redirect from the history host elsewhere drops the key (the transport follows redirects with this policy).
        let first = TransportRequest(method: "GET", url: "\(historyBase)/inference-request/request-history", headers: [("x-api-key", testKey)])
        #expect(RedirectPolicy.next(after: first, status: 302, location: "https://elsewhere.test/x")?.header("x-api-key") == nil)
        #expect(RedirectPolicy.next(after: first, status: 302, location: "/inference-request/x")?.header("x-api-key") == testKey)
    }

    @Test("The history base: default, environment, option; plain http only to loopback")
    func historyBaseResolution() throws {
        let env = ["SEGMIND_API_KEY": "k-123456"]
        #expect(
            try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: env).historyBaseURL == "https://api.spotprod.segmind.com")
        let fromEnv = env.merging(["SEGMIND_HISTORY_URL": "https://h.example.test/"]) { a, _ in a }
        #expect(try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: fromEnv).historyBaseURL == "https://h.example.test")
        let option = try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: fromEnv, historyURL: "http://127.0.0.1:9")
        #expect(option.historyBaseURL == "http://127.0.0.1:9")
        #expect(throws: SegmindError.self) {
            try SegmindConfiguration.resolve(baseURL: nil, apiKeyFile: nil, environment: env, historyURL: "http://history.example.test")
        }
    }

    @Test("A FAILED row stops with its error, a pending one as pending, a COMPLETED one without URL as malformed")
    func downloadOutcomes() async throws {
        let client = try historyClient(ScriptedTransport { _, _ in json(500, "unused") }, maxAttempts: 1)
        let job = try Job.reopen(requestID: "b2", baseURL: base)
        let out = scratch().appendingPathComponent("x.mp4")
        let failed = HistoryRecord(raw: ["request_id": "b2", "model_status": "FAILED", "error": "filtered"])
        await #expect {
            try await client.download(failed, for: job, to: out, expecting: nil)
        } throws: { error in
            guard case .jobFailed("b2", "filtered")? = error as? SegmindError else { return false }
            return true
        }
        await #expect {
            try await client.download(HistoryRecord(raw: ["request_id": "b2", "model_status": "PENDING"]), for: job, to: out, expecting: nil)
        } throws: { error in
            guard case .deadlineExceeded("b2", _, _)? = error as? SegmindError else { return false }
            return true
        }
        await #expect {
            try await client.download(HistoryRecord(raw: ["request_id": "b2", "model_status": "COMPLETED"]), for: job, to: out, expecting: nil)
        } throws: { error in
            guard case .malformedResponse? = error as? SegmindError else { return false }
            return true
        }
    }
}
