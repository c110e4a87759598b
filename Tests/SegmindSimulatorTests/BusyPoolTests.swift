import Foundation
import MediaTestSupport
import SegmindSimulator
import Testing

/// The simulator runs on threads of its own: a job is submitted, fetches its input, renders and completes while
/// synchronous work holds every thread of Swift's cooperative pool (the other suites' decodes and child processes).
@Suite struct BusyPoolTests {
    @Test func aJobCompletesWhileThePoolIsFull() async throws {
        let inputs = try await RenderInputs.make()
        try await onServerThreads {
            try await withSimulator(SimulatorConfiguration(latency: 0.2, scale: 0.125)) { sim in
                let blockers = PoolBlockers()
                try await blockers.fillPool()
                let submit = try await submitV2(
                    sim, "kling-o1-image-to-video", #"{"prompt":"x","duration":5,"start_image_url":"\#(inputs.url("start.png"))"}"#)
                let statusURL = try #require(submit.json?["status_url"] as? String, "\(submit.status) \(submit.text)")
                let (status, seen) = try await pollUntilTerminal(statusURL, limit: 60)
                let heldThroughout = blockers.holdingAll
                blockers.release()
                #expect(seen.last == "COMPLETED", "\(seen) \(status.text)")
                #expect(heldThroughout, "a step waited for a pool thread")
                #expect(await sim.failedFetches().isEmpty)
            }
        }
        await inputs.server.stop()
    }
}
