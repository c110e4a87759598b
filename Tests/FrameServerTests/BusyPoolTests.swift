import Foundation
import MediaTestSupport
import Testing

@testable import FrameServer

/// The server answers while synchronous work holds every thread of Swift's cooperative pool (a decode in the same
/// process must not make a service's fetch of a start image time out).
@Suite struct BusyPoolTests {
    @Test func aPublishedFileIsServedWhileThePoolIsFull() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await onServerThreads {
            let server = try await startServer()
            let bytes = pngLikeBytes(50_000)
            let url = try await server.publish(try scratch.write("held.png", bytes))
            let blockers = PoolBlockers()
            try await blockers.fillPool()
            let response = try await rawExchange(
                port: server.port, "GET \(url.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let heldThroughout = blockers.holdingAll
            blockers.release()
            // Answered in full before any blocker gave up: nothing waited for a pool thread.
            #expect(response.status == 200)
            #expect(response.body == bytes)
            #expect(heldThroughout)
            await server.stop()
        }
    }
}
