import Foundation
import Logging
import Testing

@testable import FrameServer

/// Publications that survive a restart through `FrameServerConfiguration.stateFile`.
@Suite struct StateFileTests {
    static func start(
        _ stateFile: String, port: Int = 0, logger: Logger = Logger(label: "test.state")
    ) async throws(FrameServerError) -> FrameServer {
        try await FrameServer.start(FrameServerConfiguration(port: port, logsAccess: false, stateFile: stateFile), logger: logger)
    }

    static func fetch(_ url: URL) async throws -> FetchedResponse {
        try await Fetch.request(url.absoluteString)
    }

    @Test func aRestartedServerAnswersTheSameURLsWithTheSameBytes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let stateFile = scratch.file("state.json")
        let small = pngLikeBytes(4000, seed: 1)
        let large = pngLikeBytes(20 << 20, seed: 2)  // past the in-memory limit: streamed from disk
        let changing = pngLikeBytes(3000, seed: 3)
        let first = try await Self.start(stateFile)
        let smallURL = try await first.publish(try scratch.write("small.png", small))
        let largeURL = try await first.publish(try scratch.write("large.png", large))
        let changingURL = try await first.publish(try scratch.write("changing.png", changing))
        let gone = try await first.publish(try scratch.write("gone.png", small))
        #expect(FileManager.default.fileExists(atPath: stateFile))
        let mode = try FileManager.default.attributesOfItem(atPath: stateFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let port = first.port
        await first.stop()
        await #expect(throws: (any Error).self, "the stopped server still listens") {
            try await rawExchange(port: port, "GET / HTTP/1.1\r\n\r\n")
        }

        // Between the runs, one file is rewritten and one deleted.
        try await Task.sleep(for: .milliseconds(20))
        try scratch.write("changing.png", pngLikeBytes(3000, seed: 4))
        try FileManager.default.removeItem(atPath: scratch.file("gone.png"))

        let log = CapturedLog()
        let second = try await Self.start(stateFile, logger: log.logger(level: .warning))
        #expect(second.port == port)
        #expect(Set(second.published.map(\.url)) == [smallURL, largeURL])
        let smallAgain = try await Self.fetch(smallURL)
        #expect(smallAgain.status == 200)
        #expect(smallAgain.body == small)
        let largeAgain = try await Self.fetch(largeURL)
        #expect(largeAgain.status == 200)
        #expect(largeAgain.body == large)
        #expect(try await Self.fetch(changingURL).status == 404)
        #expect(try await Self.fetch(gone).status == 404)
        #expect(log.messages.contains { $0.level == .warning && $0.message.contains("2 publication(s) not restored") })

        // Unpublishing removes the entry from the file: a third run no longer serves it.
        #expect(await second.unpublish(largeURL))
        let recorded = try #require(try StateFile.read(stateFile))
        #expect(recorded.publications.map(\.token) == [tokenAndName(smallURL).token])
        #expect(recorded.port == port && recorded.host == "127.0.0.1" && recorded.publicBaseURL == nil)
        await second.stop()
        let third = try await Self.start(stateFile)
        #expect(third.published.map(\.url) == [smallURL])
        #expect(try await Self.fetch(largeURL).status == 404)
        await third.stop()
    }

    @Test func aTakenPortFallsBackToAFreeOneWithAWarning() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let stateFile = scratch.file("state.json")
        let bytes = pngLikeBytes(2000)
        let first = try await Self.start(stateFile)
        let url = try await first.publish(try scratch.write("a.png", bytes))
        let port = first.port
        await first.stop()
        let squatter = try await FrameServer.start(port: port)
        let log = CapturedLog()
        let second = try await Self.start(stateFile, logger: log.logger(level: .warning))
        #expect(second.port != port)
        #expect(log.messages.contains { $0.level == .warning && $0.message.contains("\(port)") })
        let (token, name) = tokenAndName(url)
        let moved = try await Fetch.request("\(second.baseURL.absoluteString)/f/\(token)/\(name)")
        #expect(moved.status == 200)
        #expect(moved.body == bytes)
        await second.stop()
        await squatter.stop()
        // A port given explicitly wins over the recorded one.
        let third = try await Self.start(stateFile, port: second.port)
        #expect(third.port == second.port)
        await third.stop()
    }

    @Test func serveDirectoryKeepsTheRestoredURLs() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.file("frames"), withIntermediateDirectories: true)
        try scratch.write("frames/a.png", pngLikeBytes(1000, seed: 5))
        try scratch.write("frames/b.png", pngLikeBytes(1000, seed: 6))
        let stateFile = scratch.file("state.json")
        let first = try await Self.start(stateFile)
        let before = try await first.publishDirectory(scratch.file("frames")).map(\.url)
        await first.stop()
        let second = try await Self.start(stateFile)
        let after = try await second.publishDirectory(scratch.file("frames")).map(\.url)
        #expect(after == before)
        #expect(second.published.count == 2)
        await second.stop()
    }

    @Test func aCorruptOrHostileStateFileIsRefusedByName() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let stateFile = scratch.file("state.json")
        let good = try await Self.start(stateFile)
        _ = try await good.publish(try scratch.write("a.png", pngLikeBytes(1000)))
        await good.stop()
        let valid = try String(contentsOfFile: stateFile, encoding: .utf8)
        let token = try #require(try StateFile.read(stateFile)?.publications.first?.token)

        let hostile: [(String, String)] = [
            ("{not json", "not a frame server state file"),
            ("[]", "not a frame server state file"),
            ("", "not a frame server state file"),
            (valid.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7"), "unsupported version 7"),
            (valid.replacingOccurrences(of: "\"port\" : ", with: "\"port\" : 9999999"), "is not 0...65535"),
            (valid.replacingOccurrences(of: token, with: "../../etc/passwd"), "not 32 lowercase hex digits"),
            (valid.replacingOccurrences(of: "\"name\" : \"a.png\"", with: "\"name\" : \"../a.png\""), "not a URL name"),
            (valid.replacingOccurrences(of: "\"size\" : 1000", with: "\"size\" : -5"), "negative file size"),
            (valid.replacingOccurrences(of: "\"size\" : 1000", with: "\"size\" : 1e400"), "not a frame server state file"),
            (valid.replacingOccurrences(of: "\"kind\" : \"png\"", with: "\"kind\" : \"exe\""), "not a frame server state file"),
            (valid.replacingOccurrences(of: "\"resolved_path\" : \"/", with: "\"resolved_path\" : \""), "not absolute"),
        ]
        for (text, reason) in hostile {
            try Data(text.utf8).write(to: URL(fileURLWithPath: stateFile))
            do {
                let server = try await Self.start(stateFile)
                await server.stop()
                Issue.record("accepted a state file with \(reason)")
            } catch {
                #expect(error.description.hasPrefix("state file \(stateFile): "), "\(error.description)")
                #expect(error.description.contains(reason), "\(error.description)")
            }
        }
        // A folder where the file should be is refused too.
        let folder = scratch.file("folder.json")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        await #expect(throws: FrameServerError.stateFile(path: folder, reason: "not a regular file")) { try await Self.start(folder) }
        // So is a state file that cannot be written.
        await #expect(throws: FrameServerError.self) { try await Self.start(scratch.file("no/such/folder/state.json")) }
    }
}
