import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import Testing

@testable import FrameServer

/// Starting, stopping, addresses, public URLs, logging, and many concurrent downloads.
@Suite struct LifecycleTests {
    @Test func portZeroPicksAFreeLoopbackPort() async throws {
        let first = try await FrameServer.start()
        let second = try await FrameServer.start()
        #expect(first.port > 0 && second.port > 0 && first.port != second.port)
        #expect(first.isLoopback)
        #expect(first.baseURL.absoluteString == "http://127.0.0.1:\(first.port)")
        #expect(first.localBaseURL == first.baseURL)
        // A taken port is a clear error, not a crash.
        await #expect(throws: FrameServerError.self) { try await FrameServer.start(port: first.port) }
        do {
            _ = try await FrameServer.start(port: first.port)
        } catch {
            #expect(error.description.contains("\(first.port)"))
            #expect(error.description.lowercased().contains("in use"))
        }
        await first.stop()
        await second.stop()
    }

    @Test func invalidAddressesAndPublicURLsAreRejected() async throws {
        await #expect(throws: FrameServerError.self) { try await FrameServer.start(port: 70000) }
        await #expect(throws: FrameServerError.self) { try await FrameServer.start(host: "no such host.invalid") }
        for bad in ["ftp://example.com", "example.com", "/relative", "https://example.com/?q=1", "https://example.com/#x", "http://"] {
            #expect(throws: FrameServerError.invalidPublicBaseURL(bad), "\(bad)") {
                try FrameServerConfiguration.validatedPublicBaseURL(bad)
            }
        }
        #expect(try FrameServerConfiguration.validatedPublicBaseURL("https://x.example/frames/").absoluteString == "https://x.example/frames")
    }

    @Test func publicBaseURLMintsURLsOnItAndTheLocalPathStillServes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer(publicBaseURL: URL(string: "https://tunnel.example.com/shots/"))
        #expect(server.baseURL.absoluteString == "https://tunnel.example.com/shots")
        #expect(server.localBaseURL.absoluteString == "http://127.0.0.1:\(server.port)")
        let bytes = pngLikeBytes(3000)
        let url = try await server.publish(try scratch.write("f.png", bytes))
        let (token, name) = tokenAndName(url)
        #expect(url.absoluteString == "https://tunnel.example.com/shots/f/\(token)/\(name)")
        // The proxy forwards BASE/f/... to the server's /f/...
        let local = try await Fetch.request("\(server.localBaseURL.absoluteString)/f/\(token)/\(name)")
        #expect(local.status == 200)
        #expect(local.body == bytes)
        #expect(await server.unpublish(url))
        #expect(try await Fetch.request("\(server.localBaseURL.absoluteString)/f/\(token)/\(name)").status == 404)
        await server.stop()
    }

    @Test func stopClosesTheListenerAndRefusesNewPublications() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer()
        let url = try await server.publish(try scratch.write("f.png", pngLikeBytes(100)))
        #expect(try await Fetch.request(url.absoluteString).status == 200)
        await server.stop()
        await server.stop()  // idempotent
        await #expect(throws: (any Error).self) { try await rawExchange(port: server.port, "GET / HTTP/1.1\r\n\r\n") }
        await #expect(throws: FrameServerError.stopped) { try await server.publish(scratch.file("f.png")) }
        #expect(server.published.isEmpty)
    }

    @Test func withFrameServerStopsEvenWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        let port = Mutex<Int>(0)
        await #expect(throws: Boom.self) {
            try await withFrameServer { server in
                port.withLock { $0 = server.port }
                throw Boom()
            }
        }
        await #expect(throws: (any Error).self) { try await rawExchange(port: port.withLock { $0 }, "GET / HTTP/1.1\r\n\r\n") }
    }

    @Test func nonLoopbackBindWarnsAndAccessLogRedactsTokens() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = CapturedLog()
        let server = try await FrameServer.start(host: "0.0.0.0", logger: log.logger())
        #expect(!server.isLoopback)
        #expect(server.localBaseURL.absoluteString == "http://127.0.0.1:\(server.port)")
        #expect(log.messages.contains { $0.level == .warning && $0.message.contains("not a loopback interface") })
        let url = try await server.publish(try scratch.write("f.png", pngLikeBytes(100)))
        let token = tokenAndName(url).token
        #expect(try await Fetch.request(url.absoluteString).status == 200)
        #expect(try await Fetch.request(url.absoluteString + "?secret=\(token)").status == 200)
        #expect(try await Fetch.request("\(server.localBaseURL.absoluteString)/f/\(token)/wrong.png").status == 404)
        await server.stop()
        let access = log.messages.filter { $0.level == .info }.map(\.message)
        #expect(access.count == 3)
        #expect(access.allSatisfy { !$0.contains(token) && !$0.contains(String(token.prefix(16))) })
        #expect(access.contains { $0.hasPrefix("GET /f/<token>/f.png 200 100 ") })
        #expect(access.contains { $0.hasPrefix("GET /f/<token>/wrong.png 404 ") })
    }

    @Test func accessLogRedaction() {
        let token = "0123456789abcdef0123456789abcdef"
        #expect(AccessLogRedaction.redact("/f/\(token)/a.png?x=\(token)") == "/f/<token>/a.png")
        #expect(AccessLogRedaction.redact("/F/\(token.uppercased())/a.png") == "/F/<token>/a.png")
        #expect(AccessLogRedaction.redact("/f/\(token)x\(token)/") == "/f/<token>x<token>/")
        #expect(AccessLogRedaction.redact("/a b\u{7}\u{e9}") == "/a%20b%07%C3%A9")
        #expect(AccessLogRedaction.redact("/cafe/bad") == "/cafe/bad")
    }

    @Test func twoHundredConcurrentDownloadsOverTwentyConnectionsAreByteIdentical() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("frame.png")
        try makePNG(at: path, size: "960x540")
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(expected.count > 500_000)
        for cache in [true, false] {
            let server = try await startServer(cache: cache)
            let url = try await server.publish(path)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 20)
            // A request waiting for one of the 20 connections counts against the connect deadline (AHC's
            // `getConnectionFromPoolTimeout`), so allow for a loaded machine.
            configuration.timeout.connect = .seconds(300)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            // The deadline covers the wait for one of the 20 pooled connections too, so it is generous: the
            // whole test suite runs in parallel on small machines.
            let results: [(Int, Bool)]
            do {
                results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                    for _ in 0..<200 {
                        group.addTask {
                            let response = try await Fetch.request(url.absoluteString, client: client, timeout: .seconds(300))
                            return (response.status, response.body == expected)
                        }
                    }
                    var all: [(Int, Bool)] = []
                    for try await result in group { all.append(result) }
                    return all
                }
            } catch {
                try? await client.shutdown()
                await server.stop()
                throw error
            }
            try await client.shutdown()
            #expect(results.count == 200)
            #expect(results.allSatisfy { $0.0 == 200 && $0.1 }, "cache \(cache)")
            await server.stop()
        }
    }
}
