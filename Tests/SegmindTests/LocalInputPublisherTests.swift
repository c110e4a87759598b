import Foundation
import MediaTestSupport
import Segmind
import Testing

/// Records what it publishes and withdraws; fails on the file named `failOn`.
private final class RecordingPublisher: LocalInputPublisher, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    let failOn: String?

    init(failOn: String? = nil) { self.failOn = failOn }

    var events: [String] { lock.withLock { log } }

    func publish(_ input: LocalInput) async throws -> String {
        if input.path == failOn { throw SegmindError.configuration("cannot publish \(input.path)") }
        let url = "http://127.0.0.1:9/f/token/" + (input.path as NSString).lastPathComponent
        lock.withLock { log.append("publish \(url)") }
        return url
    }

    func unpublish(_ url: String) async { lock.withLock { log.append("unpublish \(url)") } }
}

/// Two valid local images (640x360 PNG, 480x480 JPEG) in a fresh folder.
private func localImages() throws -> (png: String, jpg: String) {
    let dir = scratch()
    let png = dir.appendingPathComponent("start.png").path
    let jpg = dir.appendingPathComponent("ref.jpg").path
    try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", png])
    try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=480x480", "-frames:v", "1", jpg])
    return (png, jpg)
}

@Test func publishedURLsReplaceLocalInputsInTheBody() async throws {
    let images = try localImages()
    let catalog = try bundledCatalog()
    // A url parameter gets the URL; a url-list parameter gets local files after the URLs already given.
    let single = try RequestValidator().validate(
        model: try catalog.model("kling-o1-image-to-video"), parameters: ["prompt": "a pan"],
        localInputs: [LocalInput(parameter: "start_image_url", path: images.png)])
    #expect(single.body["start_image_url"] == nil && single.localInputs.count == 1)
    let resolved = single.replacingLocalInputs(with: ["http://127.0.0.1:9/f/a/start.png"])
    #expect(resolved.body["start_image_url"] == .string("http://127.0.0.1:9/f/a/start.png"))
    #expect(resolved.localInputs.isEmpty)
    #expect(resolved.body["prompt"] == .string("a pan"))

    let list = try RequestValidator().validate(
        model: try catalog.model("kling-o1"), parameters: ["image_urls": ["https://example.com/a.png"]],
        localInputs: [LocalInput(parameter: "image_urls", path: images.jpg), LocalInput(parameter: "image_urls", path: images.png)])
    let resolvedList = list.replacingLocalInputs(with: ["http://h/f/1/ref.jpg", "http://h/f/2/start.png"])
    #expect(resolvedList.body["image_urls"] == ["https://example.com/a.png", "http://h/f/1/ref.jpg", "http://h/f/2/start.png"])
}

@Test func withPublishedInputsUnpublishesAfterSuccessAndFailure() async throws {
    let images = try localImages()
    let model = try bundledCatalog().model("kling-o1")
    let request = try RequestValidator().validate(
        model: model, parameters: [:],
        localInputs: [LocalInput(parameter: "image_urls", path: images.png), LocalInput(parameter: "image_urls", path: images.jpg)])
    let urls = ["http://127.0.0.1:9/f/token/start.png", "http://127.0.0.1:9/f/token/ref.jpg"]

    let ok = RecordingPublisher()
    let seen = try await ok.withPublishedInputs(of: request) { resolved in
        #expect(ok.events == urls.map { "publish \($0)" })
        return resolved.body["image_urls"]
    }
    #expect(seen == .array(urls.map { .string($0) }))
    #expect(ok.events == urls.map { "publish \($0)" } + urls.map { "unpublish \($0)" })

    struct Boom: Error {}
    let failing = RecordingPublisher()
    await #expect(throws: Boom.self) { try await failing.withPublishedInputs(of: request) { _ in throw Boom() } }
    #expect(failing.events.filter { $0.hasPrefix("unpublish") } == urls.map { "unpublish \($0)" })

    // The second file cannot be published: the first is withdrawn and the body never runs.
    let half = RecordingPublisher(failOn: images.jpg)
    await #expect(throws: SegmindError.self) {
        try await half.withPublishedInputs(of: request) { _ in Issue.record("body ran without every input published") }
    }
    #expect(half.events == ["publish \(urls[0])", "unpublish \(urls[0])"])
}

@Test func everyLocalInputProblemIsReportedAtOnce() throws {
    let dir = scratch()
    let small = dir.appendingPathComponent("small.png").path
    try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=200x150", "-frames:v", "1", small])
    let model = try bundledCatalog().model("kling-o1-image-to-video")
    let missing = dir.appendingPathComponent("missing.png").path
    do {
        _ = try RequestValidator().validate(
            model: model, parameters: ["prompt": "x"],
            localInputs: [LocalInput(parameter: "start_image_url", path: small), LocalInput(parameter: "end_image_url", path: missing)])
        Issue.record("validation passed")
    } catch SegmindError.invalidRequest(_, let issues) {
        #expect(issues.map(\.parameter) == ["start_image_url", "end_image_url"])
        #expect(issues[0].message.contains("200x150 is below the minimum of 300 px"))
        #expect(issues[1].message.contains("no such file"))
    }
}
