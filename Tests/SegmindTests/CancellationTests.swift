import Foundation
import Presets
import Segmind
import Testing

/// Set once, read from other tasks.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []
    func add(_ id: String) { lock.withLock { ids.append(id) } }
    var all: [String] { lock.withLock { ids } }
}

@Test func cancellingAGenerationWhileItsSubmitIsInFlightStillStoresTheAcceptedID() async throws {
    let request = try RequestValidator().validate(
        model: try ModelCatalog(directory: Presets.directory.appendingPathComponent("models")).model("kling-o1-image-to-video"),
        parameters: ["prompt": "a cat", "start_image_url": "https://e.com/a.png", "duration": 5])
    let answered = Flag()
    // The service takes 0.5 s to answer the submit; the caller is cancelled 0.1 s into it.
    let transport = ScriptedTransport { r, _ in
        if r.method == "POST" {
            try await Task.sleep(for: .milliseconds(500))  // throws when the submit is cancelled, as a real connection would fail
            answered.add("sent")
            return submitted("paid-1")
        }
        return json(200, #"{"status":"QUEUED","request_id":"paid-1","metrics":{}}"#)
    }
    let client = try makeClient(transport)
    let stored = Flag()
    let task = Task {
        try await client.generate(request, to: scratch().appendingPathComponent("x.mp4"), onSubmitted: { job in stored.add(job.requestID) })
    }
    try await Task.sleep(for: .milliseconds(100))
    task.cancel()
    let result = await task.result
    #expect(throws: CancellationError.self) { try result.get() }
    // The submit ran to its answer, the accepted id reached the callback, and nothing was polled after the cancel.
    #expect(answered.all == ["sent"])
    #expect(stored.all == ["paid-1"])
    #expect(transport.count("GET") == 0)
    // Cancelled before the submit starts: nothing is sent.
    let early = Task {
        try await Task.sleep(for: .seconds(5))
        return try await client.generate(request, to: scratch().appendingPathComponent("y.mp4"))
    }
    early.cancel()
    _ = await early.result
    #expect(transport.count("POST") == 1)
}
