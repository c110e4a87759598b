import Foundation
import MediaTestSupport
import Segmind
import SegmindSimulator
import Testing

/// Runs the built CLI off the concurrency pool (the in-process simulator needs the pool's threads meanwhile).
private func shotchain(_ arguments: [String], key: String = "cli-secret-key-4242") async throws -> ProcessOutput {
    let executable = try shotchainExecutable()
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = key
    environment.removeValue(forKey: "SEGMIND_BASE_URL")
    environment.removeValue(forKey: "SEGMIND_HISTORY_URL")
    let env = environment
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProcess(executable, arguments, environment: env, check: false) })
        }
    }
}

@Suite("Request history against the simulator")
struct HistorySimulatorTests {
    @Test("A completed job is in both endpoints with its cost and body, and its output stays reachable after expiry")
    func completedJobOutlivesItsRecord() async throws {
        let inputs = try await SimulatorInputs.make()
        defer { inputs.server.stop() }
        let model = try bundledCatalog().model("kling-o1-image-to-video")
        let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))
        let dir = scratch()
        let first = dir.appendingPathComponent("first.mp4")
        try await withSimulator(SimulatorConfiguration(scale: 0.1)) { sim, client in
            let outcome = try await client.generate(request, to: first, interval: 0.05)
            let job = try #require(outcome.job)
            let listed = try await client.history(HistoryQuery(modelName: "image-to-video", status: .completed))
            #expect(listed.map(\.requestID) == [job.requestID])
            let one = try #require(try await client.history(requestID: job.requestID))
            for row in [try #require(listed.first), one] {
                #expect(row.status == .completed && row.modelName == model.slug)
                #expect(row.costUSD == outcome.accounting.cost && row.costUSD != nil)
                #expect(row.matchesSent(request.body), "\(String(describing: row.requestBody)) vs \(request.body)")
                #expect(row.createdAt.map { abs($0 - Date().timeIntervalSince1970) < 120 } == true)
                #expect(row.latencyMS != nil && row.generationURL != nil)
            }
            #expect(try await client.history(HistoryQuery(status: .failed)).isEmpty)

            await sim.expireAllRequests()
            await #expect {
                try await client.status(job)
            } throws: { error in
                guard case .notFound? = error as? SegmindError else { return false }
                return true
            }
            let later = try #require(try await client.history(requestID: job.requestID))
            #expect(later.status == .completed)
            let again = dir.appendingPathComponent("again.mp4")
            let recovered = try await client.download(later, for: job, to: again, expecting: .video)
            #expect(try Data(contentsOf: again) == Data(contentsOf: first))
            #expect(recovered.accounting.cost == outcome.accounting.cost)
            #expect(try await client.history(requestID: "00000000-dead-beef") == nil)
        }
    }

    @Test("The simulator refuses what the client refuses; the client refuses it before sending")
    func refusedQueries() async throws {
        try await withSimulator(SimulatorConfiguration()) { sim, client in
            for query in [HistoryQuery(perPage: 101), HistoryQuery(fromDate: "2026-01-01", toDate: "2026-03-01")] {
                await #expect(throws: SegmindError.self) { try await client.history(query) }
            }
            #expect(await sim.requestLog().isEmpty)
            try await AsyncHTTPTransport.withTransport { transport in
                for query in ["per_page=101", "per_page=0", "from_date=2026-01-01&to_date=2026-03-01"] {
                    let response = try await transport.execute(
                        TransportRequest(
                            method: "GET", url: "\(sim.baseURL)/inference-request/request-history?\(query)", headers: [("x-api-key", "k-0123456")]),
                        timeout: .seconds(10))
                    _ = try await response.body.collect()
                    #expect(response.status == 400, "\(query)")
                }
            }
        }
    }

    @Test("result ID -o works after expiry through the history; history lists the request")
    func cliFallsBackToHistory() async throws {
        let inputs = try await SimulatorInputs.make()
        defer { inputs.server.stop() }
        let key = "cli-secret-key-4242"
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration(scale: 0.1))
        defer { Task { await simulator.stop() } }
        let dir = scratch()
        let out = dir.appendingPathComponent("shot.mp4").path
        let common = ["--base-url", simulator.baseURL, "--history-url", simulator.baseURL]
        let gen = try await shotchain(
            [
                "generate", "kling-o1-image-to-video", "--prompt", "a pan", "--input", "start_image_url=\(inputs.server.url("start.png"))", "-o", out,
                "--json", "--interval", "0.1",
            ] + common)
        #expect(gen.status == 0, "\(gen.stderrText)")
        let id = try #require(try JSONDecoder().decode(GenerationOutcome.self, from: gen.stdout).job?.requestID)
        let failed = try await shotchain(
            [
                "generate", "kling-o1-image-to-video", "--prompt", "no [fail]", "--input", "start_image_url=\(inputs.server.url("start.png"))", "-o",
                dir.appendingPathComponent("f.mp4").path, "--json", "--interval", "0.1",
            ] + common)
        #expect(failed.status == 3)
        await simulator.expireAllRequests()

        let status = try await shotchain(["status", id] + common)
        #expect(status.status == 3)
        let again = dir.appendingPathComponent("again.mp4").path
        let result = try await shotchain(["result", id, "-o", again] + common)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: out)))
        let missing = try await shotchain(["result", "00000000-dead-beef", "-o", dir.appendingPathComponent("m.mp4").path] + common)
        #expect(missing.status == 3 && missing.stderrText.contains("not found"), "\(missing.stderrText)")

        let list = try await shotchain(["history"] + common)
        #expect(list.status == 0, "\(list.stderrText)")
        let lines = list.stdoutText.split(separator: "\n")
        #expect(lines.count == 2 && lines[1].contains(id) && lines[1].contains("COMPLETED") && lines[0].contains("FAILED"), "\(list.stdoutText)")
        #expect(lines[0].contains("[fail]"))
        let failedJSON = try await shotchain(["history", "--status", "failed", "--json"] + common)
        let rows = try JSONDecoder().decode([HistoryRecord].self, from: failedJSON.stdout)
        #expect(rows.count == 1 && rows.first?.status == .failed && rows.first?.error?.contains("[fail]") == true)
        let keys = Set(((try JSONSerialization.jsonObject(with: failedJSON.stdout) as? [[String: Any]]) ?? []).flatMap(\.keys))
        #expect(keys.contains("request_id") && keys.contains("cost_usd") && keys.contains("created_at"))
        #expect(keys.allSatisfy { $0 == $0.lowercased() }, "\(keys)")
        let refused = try await shotchain(["history", "--since", "2020-01-01"] + common)
        #expect(refused.status == 2 && refused.stderrText.contains("31"), "\(refused.stderrText)")
        for output in [gen, status, result, missing, list, refused] {
            #expect(!output.stdoutText.contains(key) && !output.stderrText.contains(key))
        }
    }
}
