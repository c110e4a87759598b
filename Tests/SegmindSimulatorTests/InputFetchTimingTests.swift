import Foundation
import MediaTestSupport
import SegmindSimulator
import Testing

@Suite("Input fetch timing", .serialized)
struct InputFetchTimingTests {
    @Test("Inputs are fetched once the job is PROCESSING, not at the submit; no fetch failed")
    func fetchedWhileProcessing() async throws {
        let inputs = try await RenderInputs.make()
        let latency = 3.0
        try await withSimulator(SimulatorConfiguration(latency: latency, scale: 0.125)) { sim in
            let submitSent = Date()
            let submit = try await submitV2(sim, "kling-o1-image-to-video", #"{"prompt":"x","start_image_url":"\#(inputs.url("start.png"))"}"#)
            let statusURL = try #require(submit.json?["status_url"] as? String)
            let polls = try await timedPolls(statusURL)
            #expect(polls.last?.status == "COMPLETED")
            let fetches = inputs.server.fetches.filter { $0.path == "/start.png" }
            #expect(fetches.count == 1, "\(fetches)")
            let fetchedAfter = try #require(fetches.first).time.timeIntervalSince(submitSent)
            #expect(fetchedAfter >= latency / 3, "fetched \(fetchedAfter) s after the submit, before PROCESSING")
            #expect(await sim.failedFetches().isEmpty)
        }
        await inputs.server.stop()
    }

    @Test("An input URL that dies after the submit fails the job later, FAILED 422, and is recorded in failedFetches")
    func urlDiesWhileQueued() async throws {
        let inputs = try await RenderInputs.make()
        let url = inputs.url("start.png")
        // QUEUED for 3 s: the removal below must come before the fetch even on a machine so busy that a thread waits
        // a second to run (a clean-clone CI saw the fetch land first with 1 s).
        let latency = 9.0
        try await withSimulator(SimulatorConfiguration(latency: latency, scale: 0.125)) { sim in
            let submitSent = Date()
            let submit = try await submitV2(sim, "kling-o1-image-to-video", #"{"prompt":"x","start_image_url":"\#(url)"}"#)
            // The frame server forgets the file right after the submit was answered, as a restarted one would.
            try FileManager.default.removeItem(atPath: inputs.path("start.png"))
            #expect(submit.status == 200)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, seen) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            #expect(seen.last == "FAILED")
            let error = status.json?["error"] as? String ?? ""
            #expect(error.contains("start_image_url") && error.contains(url) && error.contains("404"), "\(error)")
            let fetches = inputs.server.fetches
            #expect(fetches.count == 1 && fetches.allSatisfy { $0.time.timeIntervalSince(submitSent) >= latency / 3 }, "\(fetches)")
            let failures = await sim.failedFetches()
            #expect(failures.count == 1, "\(failures)")
            let failure = try #require(failures.first)
            #expect(failure.requestID == id && failure.url == url && failure.reason == error)
            #expect(failure.time.timeIntervalSince(submitSent) >= latency / 3 && failure.time <= Date())
            #expect(await sim.remainingCredits() == 1000, "the FAILED job is refunded")
        }
        await inputs.server.stop()
    }
}
