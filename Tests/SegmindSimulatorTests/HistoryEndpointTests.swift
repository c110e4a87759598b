import Foundation
import SegmindSimulator
import Testing

private let i2v = "kling-o1-image-to-video"
private let history = "/inference-request/request-history"

/// Submits a job that ends FAILED at once (no input is fetched) and waits until it is terminal; returns its id.
private func failedJob(
    _ sim: SegmindSimulator, _ prompt: String = "a [fail]", slug: String = i2v, input: String = #""start_image_url":"http://127.0.0.1:9/start.png""#
) async throws -> String {
    let reply = try await submitV2(sim, slug, #"{"prompt":"\#(prompt)",\#(input)}"#)
    let id = try #require(reply.json?["request_id"] as? String)
    let (last, _) = try await pollUntilTerminal(try #require(reply.json?["status_url"] as? String))
    #expect(last.json?["status"] as? String == "FAILED")
    return id
}

private func day(_ offset: Double) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd"
    return f.string(from: Date().addingTimeInterval(offset * 86400))
}

@Suite("Request history endpoints")
struct HistoryEndpointTests {
    @Test("A row has the documented fields, survives expiry, and needs the key")
    func rowFieldsAndExpiry() async throws {
        try await withSimulator(SimulatorConfiguration(apiKey: "test-key")) { sim in
            let id = try await failedJob(sim)
            await sim.expireAllRequests()
            #expect(try await call(.GET, "\(sim.baseURL)/v2/requests/\(id)/status").status == 404)
            let one = try await call(.GET, "\(sim.baseURL)\(history)/\(id)")
            #expect(one.status == 200, "\(one.text)")
            let row = try #require(one.json?["data"] as? [String: Any])
            #expect(row["request_id"] as? String == id)
            #expect(row["model_name"] as? String == i2v)
            #expect(row["model_status"] as? String == "FAILED")
            #expect((row["error"] as? String)?.contains("[fail]") == true)
            #expect((row["request_body"] as? [String: Any])?["prompt"] as? String == "a [fail]")
            #expect(row["credits_deduction"] is NSNumber && row["latency_ms"] is NSNumber && row["created_at"] is String)
            let list = try await call(.GET, "\(sim.baseURL)\(history)")
            #expect((list.json?["data"] as? [[String: Any]])?.map { $0["request_id"] as? String } == [id])
            #expect(list.json?["total"] as? Int == 1 && list.json?["page"] as? Int == 1 && list.json?["per_page"] as? Int == 20)
            #expect(try await call(.GET, "\(sim.baseURL)\(history)/no-such-id").status == 404)
            #expect(try await call(.GET, "\(sim.baseURL)\(history)", key: nil).status == 401)
            #expect(try await call(.GET, "\(sim.baseURL)\(history)/\(id)", key: "wrong").status == 401)
        }
    }

    @Test(
        "Out-of-range queries are 400",
        arguments: [
            "per_page=0", "per_page=101", "per_page=x", "page=0", "from_date=2026-13-01", "to_date=yesterday", "status=DONE", "sort_by=price",
            "sort_order=up", "from_date=2026-01-01&to_date=2026-02-02", "from_date=2026-02-02&to_date=2026-02-01",
        ])
    func refusedQueries(_ query: String) async throws {
        try await withSimulator { sim in
            let reply = try await call(.GET, "\(sim.baseURL)\(history)?\(query)")
            #expect(reply.status == 400, "\(query): \(reply.text)")
            #expect((reply.json?["error"] as? String)?.isEmpty == false)
        }
    }

    @Test("Filters, windows, order and pages")
    func filtersAndPages() async throws {
        try await withSimulator { sim in
            var ids: [String] = []
            for n in 0..<3 { ids.append(try await failedJob(sim, "shot \(n) [fail]")) }
            ids.append(
                try await failedJob(
                    sim, "@Image1 [fail]", slug: "kling-o1-reference-image-to-video", input: #""image_urls":["http://127.0.0.1:9/a.png"]"#))
            func listed(_ query: String) async throws -> [String] {
                let reply = try await call(.GET, "\(sim.baseURL)\(history)?\(query)")
                #expect(reply.status == 200, "\(query): \(reply.text)")
                return (reply.json?["data"] as? [[String: Any]] ?? []).compactMap { $0["request_id"] as? String }
            }
            #expect(try await listed("") == ids.reversed())
            #expect(try await listed("sort_order=asc") == ids)
            #expect(try await listed("per_page=2&page=1") == [ids[3], ids[2]])
            #expect(try await listed("per_page=2&page=2") == [ids[1], ids[0]])
            #expect(try await listed("per_page=2&page=3") == [])
            #expect(try await listed("model_name=reference") == [ids[3]])
            #expect(try await listed("status=FAILED").count == 4)
            #expect(try await listed("status=COMPLETED") == [])
            #expect(try await listed("from_date=\(day(-40))&to_date=\(day(-10))") == [])
            #expect(try await listed("from_date=\(day(-1))&to_date=\(day(1))").count == 4)
        }
    }
}
