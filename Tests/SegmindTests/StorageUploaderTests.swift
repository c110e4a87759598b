import Foundation
import Segmind
import Testing

private let storage = "https://storage.example.test"

/// A small PNG-signed file made at test time, and its bytes.
private func pngFile(_ payload: String = "pixels") throws -> (path: String, bytes: Data) {
    var bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    bytes.append(Data(payload.utf8))
    let path = scratch().appendingPathComponent("frame.png").path
    try bytes.write(to: URL(fileURLWithPath: path))
    return (path, bytes)
}

private func uploader(_ transport: ScriptedTransport, clock: FakeClock = FakeClock(), cache: any UploadCache = InMemoryUploadCache()) throws
    -> StorageUploader
{
    var configuration = try SegmindConfiguration(baseURL: base, storageBaseURL: storage + "/", apiKey: APIKey(testKey))
    configuration.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 8)
    let client = SegmindClient(configuration: configuration, transport: transport, clock: clock, random: { 0.5 })
    return StorageUploader(client: client, cache: cache)
}

private func input(_ path: String) -> LocalInput { LocalInput(parameter: "start_image_url", path: path) }

@Test func uploadSendsOneDataURLWithTheKeyAndReadsFileURLs() async throws {
    let file = try pngFile()
    let transport = ScriptedTransport { _, _ in json(200, #"{"file_urls":["https://images.segmind.com/assets/a.png"],"message":"ok"}"#) }
    let url = try await uploader(transport).publish(input(file.path))
    #expect(url == "https://images.segmind.com/assets/a.png")
    let request = try #require(transport.requests.first)
    #expect(transport.requests.count == 1)
    #expect(request.method == "POST")
    #expect(request.url == storage + "/upload-asset")
    #expect(request.header("x-api-key") == testKey)
    #expect(request.header("content-type") == "application/json")
    #expect(request.header("accept") == "application/json, text/plain, */*")
    let expected = #"{"data_urls":["data:image/png;base64,"# + file.bytes.base64EncodedString() + #""]}"#
    #expect(request.body.map { String(decoding: $0, as: UTF8.self) } == expected)
}

@Test func uploadAcceptsTheDocsPageAnswerShape() async throws {
    let file = try pngFile()
    let transport = ScriptedTransport { _, _ in json(201, #"{"urls":["https://cdn.segmind.com/b.png"]}"#) }
    #expect(try await uploader(transport).publish(input(file.path)) == "https://cdn.segmind.com/b.png")
}

@Test(arguments: [#"{"message":"stored"}"#, #"{"file_urls":[]}"#, #"{"urls":["/relative/b.png"]}"#, #"{"urls":["ftp://x/b.png"]}"#, "not json"])
func uploadWithoutAnAbsoluteURLIsMalformed(_ answer: String) async throws {
    let file = try pngFile()
    let transport = ScriptedTransport { _, _ in json(200, answer) }
    await #expect {
        _ = try await uploader(transport).publish(input(file.path))
    } throws: { error in
        guard case SegmindError.malformedResponse = error else { return false }
        return true
    }
}

@Test func uploadRetries5xxAndTransportFailuresThenSucceeds() async throws {
    let file = try pngFile()
    let clock = FakeClock()
    let transport = ScriptedTransport { _, n in
        switch n {
        case 1: return json(503, #"{"error":"busy"}"#)
        case 2: throw TransportFailure.notSent("connection refused")
        default: return json(200, #"{"file_urls":["https://cdn.segmind.com/c.png"]}"#)
        }
    }
    #expect(try await uploader(transport, clock: clock).publish(input(file.path)) == "https://cdn.segmind.com/c.png")
    #expect(transport.requests.count == 3)
    #expect(Set(transport.requests.map(\.body)).count == 1)  // the same body each time
    #expect(clock.sleeps.count == 2)
}

@Test func uploadRefusalIsAnHTTPError() async throws {
    let file = try pngFile()
    let transport = ScriptedTransport { _, _ in json(401, #"{"error":"bad key \#(testKey)"}"#) }
    await #expect {
        _ = try await uploader(transport).publish(input(file.path))
    } throws: { error in
        guard case SegmindError.http(401, _, let message, _) = error else { return false }
        return !message.contains(testKey)
    }
    #expect(transport.requests.count == 1)
}

@Test func upload429WaitsForTheResetHeader() async throws {
    let file = try pngFile()
    let clock = FakeClock()
    let reset = Date(timeIntervalSince1970: clock.now() + 42)
    let stamp = ISO8601DateFormatter().string(from: reset)
    let transport = ScriptedTransport { _, n in
        n == 1
            ? json(429, #"{"error":"slow down"}"#, headers: ["x-rate-limit-reset-at-utc": stamp])
            : json(200, #"{"file_urls":["https://cdn.segmind.com/d.png"]}"#)
    }
    #expect(try await uploader(transport, clock: clock).publish(input(file.path)) == "https://cdn.segmind.com/d.png")
    #expect(transport.requests.count == 2)
    let wait = try #require(clock.sleeps.first)
    #expect(wait >= 42 && wait < 42.1)
}

@Test func sameBytesAreUploadedOnceAndRecorded() async throws {
    let file = try pngFile()
    let copy = scratch().appendingPathComponent("copy.png")
    try file.bytes.write(to: copy)
    let other = try pngFile("other pixels")
    let cache = InMemoryUploadCache()
    let transport = ScriptedTransport { _, n in json(200, #"{"file_urls":["https://cdn.segmind.com/\#(n).png"]}"#) }
    let publisher = try uploader(transport, cache: cache)
    let first = try await publisher.publish(input(file.path))
    #expect(await cache.records.values.sorted() == [first])
    #expect(try await publisher.publish(input(copy.path)) == first)
    #expect(transport.requests.count == 1)
    #expect(try await publisher.publish(input(other.path)) != first)
    #expect(transport.requests.count == 2)
    #expect(await cache.records.count == 2)
}

/// Follows redirects the way `AsyncHTTPTransport` does (with `RedirectPolicy`), sending every hop to `inner`.
private struct RedirectFollowing: HTTPTransport {
    let inner: ScriptedTransport

    func execute(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        var current = request
        for _ in 0...RedirectPolicy.maxHops {
            let response = try await inner.execute(current, timeout: timeout)
            guard let next = RedirectPolicy.next(after: current, status: response.status, location: response.headers["location"]) else {
                return response
            }
            current = next
        }
        throw TransportFailure.afterSending("too many redirects")
    }
}

@Test func theKeyGoesToTheStorageOriginAndNotWhereItRedirects() async throws {
    let file = try pngFile()
    let scripted = ScriptedTransport { request, _ in
        request.url.hasPrefix(storage)
            ? TransportResponse(status: 307, headers: ["location": "https://elsewhere.test/upload-asset"], body: .bytes([]))
            : json(200, #"{"file_urls":["https://cdn.segmind.com/e.png"]}"#)
    }
    var configuration = try SegmindConfiguration(baseURL: base, storageBaseURL: storage, apiKey: APIKey(testKey))
    configuration.retry = RetryPolicy(maxAttempts: 2)
    let client = SegmindClient(configuration: configuration, transport: RedirectFollowing(inner: scripted), clock: FakeClock())
    #expect(try await StorageUploader(client: client).publish(input(file.path)) == "https://cdn.segmind.com/e.png")
    #expect(scripted.requests.map(\.url) == [storage + "/upload-asset", "https://elsewhere.test/upload-asset"])
    #expect(scripted.requests.map { $0.header("x-api-key") } == [testKey, nil])
    #expect(scripted.requests.allSatisfy { $0.body == scripted.requests[0].body })
}

@Test func filesAreCheckedBeforeUpload() async throws {
    let dir = scratch()
    let empty = dir.appendingPathComponent("empty.png").path
    FileManager.default.createFile(atPath: empty, contents: Data())
    let text = dir.appendingPathComponent("notes.png").path
    try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
    let huge = dir.appendingPathComponent("huge.mp4").path
    FileManager.default.createFile(atPath: huge, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
    try handle.truncate(atOffset: UInt64(StorageUploader.maxBytes) + 1)
    try handle.close()
    let missing = dir.appendingPathComponent("missing.png").path
    let transport = ScriptedTransport { _, _ in json(200, #"{"file_urls":["https://cdn.segmind.com/f.png"]}"#) }
    let publisher = try uploader(transport)
    for (path, fragment) in [(empty, "empty"), (text, "not a known media file"), (huge, "200 MiB"), (missing, "cannot read")] {
        await #expect {
            _ = try await publisher.publish(input(path))
        } throws: { error in
            guard case SegmindError.badMedia(let p, let message) = error else { return false }
            return p == path && message.contains(fragment)
        }
    }
    #expect(transport.requests.isEmpty)
}

@Test func storageURLComesFromTheEnvironmentAndRefusesPlainHTTP() throws {
    let resolved = try SegmindConfiguration.resolve(
        baseURL: nil, apiKeyFile: nil, environment: ["SEGMIND_API_KEY": testKey, "SEGMIND_STORAGE_URL": "https://store.example.test/"])
    #expect(resolved.storageBaseURL == "https://store.example.test")
    let defaults = try SegmindConfiguration(apiKey: APIKey(testKey))
    #expect(defaults.storageBaseURL == "https://workflows-api.segmind.com")
    #expect(throws: SegmindError.self) { try SegmindConfiguration(storageBaseURL: "http://store.example.test", apiKey: APIKey(testKey)) }
    #expect(try SegmindConfiguration(storageBaseURL: "http://127.0.0.1:8080", apiKey: APIKey(testKey)).storageBaseURL == "http://127.0.0.1:8080")
}
