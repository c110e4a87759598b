import Foundation
import Segmind
import Testing

private let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 200)
private let mp4Bytes: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + Array(repeating: 0, count: 200)
private let video = "https://media.example.test/ref.mp4"
private let still = "https://media.example.test/ref.png"

/// A validated video-to-video request naming `video_url` and `image_urls`.
private func request(video videoURL: String = video, images: [String] = [still]) throws -> ValidatedRequest {
    try RequestValidator().validate(
        model: try bundledCatalog().model("kling-o1-video-to-video-reference"),
        parameters: ["prompt": "a cat", "video_url": .string(videoURL), "image_urls": .array(images.map { .string($0) })])
}

/// The issues `check` reports for `request` against `transport` (empty when it passes).
private func issues(_ request: ValidatedRequest, _ transport: ScriptedTransport, own: Set<String> = []) async throws -> [ValidationIssue] {
    do {
        try await InputReachability(transport: transport).check(request, ownURLs: own)
        return []
    } catch SegmindError.invalidRequest(_, let list) {
        return list
    }
}

/// Answers `still` with a PNG, `video` with an MP4 and anything else with `other`.
private func serving(_ other: @escaping @Sendable (TransportRequest) -> TransportResponse) -> ScriptedTransport {
    ScriptedTransport { r, _ in
        switch r.url {
        case still: return media(pngBytes, type: "image/png")
        case video: return media(mp4Bytes, type: "video/mp4")
        default: return other(r)
        }
    }
}

@Test func goodInputsPassAndNoCheckCarriesTheKey() async throws {
    let transport = serving { _ in json(500, "{}") }
    #expect(try await issues(try request(), transport).isEmpty)
    #expect(Set(transport.requests.map(\.url)) == [still, video])
    #expect(transport.requests.allSatisfy { $0.method == "GET" && $0.body == nil })
    #expect(transport.requests.allSatisfy { r in !r.headers.contains { ["x-api-key", "authorization", "cookie"].contains($0.0.lowercased()) } })
}

struct ReachabilityCase: Sendable, CustomTestStringConvertible {
    var name: String
    var answer: @Sendable () -> TransportResponse
    var fragment: String
    var testDescription: String { name }
}

private let problemCases: [ReachabilityCase] = [
    ReachabilityCase(name: "404", answer: { json(404, #"{"error":"no such object"}"#) }, fragment: "answered HTTP 404"),
    ReachabilityCase(name: "html", answer: { media(Array("<html>login</html>".utf8), type: "text/html; charset=utf-8") }, fragment: "'text/html'"),
    ReachabilityCase(name: "too large", answer: { media(pngBytes, type: "image/png", length: 10_485_761) }, fragment: "10485761 bytes"),
    ReachabilityCase(name: "not an image", answer: { media(Array("hello, world".utf8), type: "image/png") }, fragment: "not an image"),
    ReachabilityCase(name: "video for an image", answer: { media(mp4Bytes, type: "image/png") }, fragment: "a mp4 file"),
    ReachabilityCase(
        name: "octet-stream text", answer: { media(Array("plain text".utf8), type: "application/octet-stream") },
        fragment: "'application/octet-stream'"),
    ReachabilityCase(
        name: "unreachable", answer: { TransportResponse(status: 302, headers: [:], body: .bytes([])) }, fragment: "answered HTTP 302"),
]

@Test(arguments: problemCases)
func aBadImageURLIsReportedWithItsParameterAndURL(_ c: ReachabilityCase) async throws {
    let bad = "https://other.example.test/b.png"
    let transport = serving { _ in c.answer() }
    let found = try await issues(try request(images: [still, bad]), transport)
    #expect(found.count == 1)
    let issue = try #require(found.first)
    #expect(issue.parameter == "image_urls[1]")
    #expect(issue.message.contains(bad) && issue.message.contains(c.fragment), "\(issue.message)")
}

@Test func octetStreamIsAcceptedWhenTheBytesAreMedia() async throws {
    let transport = serving { _ in media(pngBytes, type: "application/octet-stream") }
    #expect(try await issues(try request(images: ["https://other.example.test/b"]), transport).isEmpty)
}

@Test func everyBadURLIsReportedAtOnce() async throws {
    let transport = ScriptedTransport { _, _ in json(403, "{}") }
    let found = try await issues(try request(images: [still]), transport)
    #expect(found.map(\.parameter) == ["video_url", "image_urls[0]"])
    #expect(found.allSatisfy { $0.message.contains("HTTP 403") })
}

@Test func ownAndDataURLsAreNotFetched() async throws {
    let transport = ScriptedTransport { _, _ in json(404, "{}") }
    let data = "data:image/png;base64," + Data(pngBytes).base64EncodedString()
    #expect(try await issues(try request(images: [data]), transport, own: [video]).isEmpty)
    #expect(transport.requests.isEmpty)
}

@Test func onlyTheStartOfTheBodyIsRead() async throws {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var bytes = 0
    }
    let counter = Counter()
    let transport = serving { _ in
        let body = ResponseBody.bytes(pngBytes + Array(repeating: 0, count: 4 << 20), chunkSize: 4096)
        return TransportResponse(
            status: 200, headers: ["content-type": "image/png"],
            body: ResponseBody {
                let chunk = try await body.next()
                counter.lock.withLock { counter.bytes += chunk?.count ?? 0 }
                return chunk
            })
    }
    #expect(try await issues(try request(images: ["https://other.example.test/big.png"]), transport).isEmpty)
    #expect(counter.lock.withLock { counter.bytes } == InputReachability.sniffBytes)
}
