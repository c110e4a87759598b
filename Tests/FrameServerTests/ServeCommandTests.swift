import Foundation
import MediaTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `shotchain serve` end to end: the built binary, real HTTP, and a clean stop on SIGINT and SIGTERM.
@Suite struct ServeCommandTests {
    /// Reads the child's stdout until it holds a complete JSON document (on a thread of its own).
    static func readJSON(_ handle: FileHandle) async throws -> [String: Any] {
        let data = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            Thread {
                var collected = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    collected += chunk
                    if (try? JSONSerialization.jsonObject(with: collected)) != nil { break }
                }
                continuation.resume(returning: collected)
            }.start()
        }
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func servesTheFolderAndStopsCleanlyOnSignal(signal: Int32) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try makePNG(at: scratch.file("frame.png"))
        let jpeg = try await TestCorpus.shared.path(.jpeg)
        try scratch.copy(jpeg, as: "still.jpg")
        try scratch.write(".hidden.png", pngLikeBytes(100))
        try scratch.write("notes.txt", Array("text".utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shotchainExecutable())
        process.arguments = ["serve", scratch.path, "--json", "--public-url", "https://frames.example.org/x"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()

        let listing = try await Self.readJSON(stdout.fileHandleForReading)
        #expect(listing["base_url"] as? String == "https://frames.example.org/x")
        let local = try #require(listing["local_url"] as? String)
        let files = try #require(listing["files"] as? [[String: String]])
        #expect(files.map { $0["file"] } == ["frame.png", "still.jpg"])
        for file in files {
            let url = try #require(file["url"])
            #expect(url.hasPrefix("https://frames.example.org/x/f/"))
            let localURL = local + url.dropFirst("https://frames.example.org/x".count)
            let response = try await Fetch.request(localURL)
            #expect(response.status == 200)
            #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file(file["file"]!)))))
        }
        kill(process.processIdentifier, signal)
        #expect(await Self.waitForExit(process) == 0)
    }

    @Test func aRestartedServeWithStateKeepsItsURLs() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.file("frames"), withIntermediateDirectories: true)
        let bytes = pngLikeBytes(5000, seed: 9)
        try scratch.write("frames/frame.png", bytes)
        var listings: [[String: Any]] = []
        for _ in 0..<2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try shotchainExecutable())
            process.arguments = ["serve", scratch.file("frames"), "--json", "--state", scratch.file("serve-state.json")]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            let listing = try await Self.readJSON(stdout.fileHandleForReading)
            let files = try #require(listing["files"] as? [[String: String]])
            let response = try await Fetch.request(try #require(files.first?["url"]))
            #expect(response.status == 200)
            #expect(response.body == bytes)
            listings.append(listing)
            kill(process.processIdentifier, SIGTERM)
            #expect(await Self.waitForExit(process) == 0)
        }
        #expect(listings[0]["local_url"] as? String == listings[1]["local_url"] as? String)
        #expect(listings[0]["files"] as? [[String: String]] == listings[1]["files"] as? [[String: String]])
    }

    @Test func badFolderExitsWithStatus2AndOneLine() throws {
        let output = try runProcess(try shotchainExecutable(), ["serve", "/nonexistent/folder"], check: false)
        #expect(output.status == 2)
        #expect(output.stderrText == "shotchain: /nonexistent/folder: no such file or folder\n")
        #expect(output.stdout.isEmpty)
    }
}
