import Foundation
import Testing

@testable import FrameServer

#if canImport(Glibc)
    import Glibc
#endif

/// Traversal, malformed requests, hidden files, symlinks, and files that change after they were published.
@Suite struct SecurityTests {
    static let secretMarker = "SECRET-MARKER-7f3a"

    /// Raw request lines, sent byte for byte over TCP so no client normalises them. `{T}` is a published token,
    /// `{N}` its name. None may return file content.
    static let hostileRequests: [String] = [
        "GET /f/{T}/../secret.txt HTTP/1.1",
        "GET /f/{T}/..%2fsecret.txt HTTP/1.1",
        "GET /f/{T}/%2e%2e/secret.txt HTTP/1.1",
        "GET /f/{T}/%2E%2E%2Fsecret.txt HTTP/1.1",
        "GET /f/{T}/%252e%252e%252fsecret.txt HTTP/1.1",
        "GET /f/{T}/..\\secret.txt HTTP/1.1",
        "GET /f/{T}/%5c..%5csecret.txt HTTP/1.1",
        "GET /f/{T}/%c0%ae%c0%ae/secret.txt HTTP/1.1",
        "GET /f/{T}/%c0%af..%c0%afsecret.txt HTTP/1.1",
        "GET /f/{T}/%e0%80%ae%e0%80%ae/secret.txt HTTP/1.1",
        "GET /f/{T}/../../../../../../etc/passwd HTTP/1.1",
        "GET /f/../../../../etc/passwd HTTP/1.1",
        "GET /../../../../etc/passwd HTTP/1.1",
        "GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
        "GET //etc/passwd HTTP/1.1",
        "GET /etc/passwd HTTP/1.1",
        "GET {DIR}/secret.txt HTTP/1.1",
        "GET /f/{T}/{N}/../secret.txt HTTP/1.1",
        "GET /f/{T}/./secret.txt HTTP/1.1",
        "GET /f/{T}/%2fetc%2fpasswd HTTP/1.1",
        "GET /f/{T}//etc/passwd HTTP/1.1",
        "GET /f/{T}/.hidden.png HTTP/1.1",
        "GET /f/{T}/outside-link.png HTTP/1.1",
        "GET /f/{T}/secret.txt HTTP/1.1",
        "GET /f/{T}/ HTTP/1.1",
        "GET /f/{T} HTTP/1.1",
        "GET /f/ HTTP/1.1",
        "GET / HTTP/1.1",
        "GET /f/{T}/{N}%00.txt HTTP/1.1",
        "GET /f/{T}/{N}/ HTTP/1.1",
        "GET /f/{T}/{N}%2f HTTP/1.1",
        "GET /f/{T}/%4e HTTP/1.1",
        "GET /F/{T}/{N} HTTP/1.1",
        "GET /f/{TU}/{N} HTTP/1.1",
        "GET /f/{T}x/{N} HTTP/1.1",
        "GET /f/00000000000000000000000000000000/{N} HTTP/1.1",
        "GET /f/%{T}/{N} HTTP/1.1",
        "GET \\f\\{T}\\{N} HTTP/1.1",
        "GET f/{T}/{N} HTTP/1.1",
        "GET * HTTP/1.1",
        "GET http://127.0.0.1/f/{T}/../secret.txt HTTP/1.1",
        "POST /f/{T}/{N} HTTP/1.1",
        "PUT /f/{T}/{N} HTTP/1.1",
        "DELETE /f/{T}/{N} HTTP/1.1",
        "PROPFIND /f/{T}/ HTTP/1.1",
        "OPTIONS * HTTP/1.1",
        "CONNECT 127.0.0.1:22 HTTP/1.1",
        "GET /f/{T}/{N}\u{0} HTTP/1.1",
        "GET /f/{T}/\u{7f}{N} HTTP/1.1",
        "GARBAGE",
        "GET /f/{T}/ğ.png HTTP/1.1",
    ]

    struct Setup {
        let scratch: Scratch
        let server: FrameServer
        let token: String
        let name: String
        let published: [UInt8]
    }

    static func setUp() async throws -> Setup {
        let scratch = try Scratch()
        let published = pngLikeBytes(4096)
        let path = try scratch.write("frame.png", published)
        try scratch.write("secret.txt", Array(secretMarker.utf8))
        try scratch.write(".hidden.png", pngLikeBytes(64) + Array(secretMarker.utf8))
        let outside = try Scratch()
        try outside.write("outside.png", pngLikeBytes(64) + Array(secretMarker.utf8))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("outside-link.png"), withDestinationPath: outside.file("outside.png"))
        let server = try await startServer()
        let (token, name) = tokenAndName(try await server.publish(path))
        return Setup(scratch: scratch, server: server, token: token, name: name, published: published)
    }

    @Test func hostileRequestsNeverReturnFileContent() async throws {
        #expect(Self.hostileRequests.count >= 30)
        let setup = try await Self.setUp()
        defer { setup.scratch.remove() }
        for line in Self.hostileRequests {
            let requestLine = line.replacingOccurrences(of: "{TU}", with: setup.token.uppercased())
                .replacingOccurrences(of: "{T}", with: setup.token)
                .replacingOccurrences(of: "{N}", with: setup.name)
                .replacingOccurrences(of: "{DIR}", with: setup.scratch.path)
            let response = try await rawExchange(port: setup.server.port, requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            let status = response.status
            #expect(status == 400 || status == 404 || status == 405, "\(requestLine) -> \(response.text.prefix(80))")
            #expect(!response.text.contains(Self.secretMarker), "\(requestLine) leaked the secret")
            #expect(!response.text.contains("root:x:0:0"), "\(requestLine) leaked /etc/passwd")
            #expect(!response.text.contains(setup.scratch.path), "\(requestLine) showed a path")
            #expect(response.body.count < 64, "\(requestLine) returned a body of \(response.body.count) bytes")
        }
        // The genuine URL still works over the same raw path, so the table above is not trivially 404.
        let genuine = try await rawExchange(
            port: setup.server.port, "GET /f/\(setup.token)/\(setup.name) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(genuine.status == 200)
        #expect(genuine.body == setup.published)
        await setup.server.stop()
    }

    @Test func malformedRequestLinesAreRejected() async throws {
        let setup = try await Self.setUp()
        defer { setup.scratch.remove() }
        for request in [
            "GET /f/\(setup.token)/\(setup.name)\r\n\r\n",  // HTTP/0.9 style
            "GET /f/\(setup.token)/\(setup.name) HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET /f/\(setup.token)/frame .png HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /f/\(setup.token)/\(setup.name) HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "\u{1}\u{2}\u{3}\r\n\r\n",
            "GET /f/\(setup.token)/\(setup.name) HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        ] {
            let response = try await rawExchange(port: setup.server.port, request)
            #expect(response.status == nil || [400, 404, 405, 505].contains(response.status!), "\(request.debugDescription)")
            let returnedPNG = response.body.starts(with: [0x89, 0x50, 0x4E, 0x47])
            #expect(!returnedPNG, "\(request.debugDescription) returned PNG bytes")
        }
        await setup.server.stop()
    }

    @Test func unpublishedURLAnswers404() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer()
        let first = try await server.publish(try scratch.write("a.png", pngLikeBytes(1000)))
        let second = try await server.publish(try scratch.write("b.png", pngLikeBytes(1000, seed: 2)))
        #expect(try await Fetch.request(first.absoluteString).status == 200)
        #expect(await server.unpublish(first))
        #expect(try await Fetch.request(first.absoluteString).status == 404)
        #expect(try await Fetch.request(second.absoluteString).status == 200)
        #expect(await server.unpublish(token: tokenAndName(second).token))
        #expect(try await Fetch.request(second.absoluteString).status == 404)
        #expect(await server.unpublish(second) == false)
        #expect(server.published.isEmpty)
        // Publishing the same file again mints a new token.
        let again = try await server.publish(scratch.file("a.png"))
        #expect(again != first)
        #expect(try await Fetch.request(again.absoluteString).status == 200)
        await server.stop()
    }

    enum Change: String, CaseIterable, Sendable {
        case deleted, rewrittenSameSize, appended, truncated, replacedByRename, touched, chmodded
    }

    @Test(arguments: Change.allCases, [true, false])
    func fileChangedAfterPublishAnswers404(change: Change, cache: Bool) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer(cache: cache)
        let path = try scratch.write("frame.png", pngLikeBytes(5000))
        let url = try await server.publish(path)
        #expect(try await Fetch.request(url.absoluteString).status == 200)
        switch change {
        case .deleted:
            try FileManager.default.removeItem(atPath: path)
        case .rewrittenSameSize:
            // Keep the old mtime too: ctime still changes, and that is caught.
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.write(contentsOf: pngLikeBytes(5000, seed: 9))
            try handle.close()
            try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
        case .appended:
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([1, 2, 3]))
            try handle.close()
        case .truncated:
            #expect(truncate(path, 100) == 0)
        case .replacedByRename:
            let other = try scratch.write("other.png", pngLikeBytes(5000, seed: 3))
            #expect(rename(other, path) == 0)
        case .touched:
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        case .chmodded:
            #expect(chmod(path, 0o600) == 0)
        }
        let get = try await Fetch.request(url.absoluteString)
        #expect(get.status == 404, "\(change)")
        #expect(get.body.count < 64)
        #expect(try await Fetch.request(url.absoluteString, method: .HEAD).status == 404)
        #expect(try await Fetch.request(url.absoluteString, headers: [("Range", "bytes=0-9")]).status == 404)
        await server.stop()
    }

    @Test func hiddenFilesAndOutsideSymlinksAreNotPublished() async throws {
        let scratch = try Scratch()
        let outside = try Scratch()
        defer {
            scratch.remove()
            outside.remove()
        }
        let server = try await startServer()
        try makePNG(at: scratch.file("a.png"))
        try scratch.write(".hidden.png", pngLikeBytes(100))
        try scratch.write("notes.txt", Array("plain text".utf8))
        try FileManager.default.createDirectory(atPath: scratch.file("sub"), withIntermediateDirectories: true)
        try scratch.write("sub/inner.png", pngLikeBytes(100))
        try FileManager.default.createDirectory(atPath: scratch.file(".git"), withIntermediateDirectories: true)
        try scratch.write(".git/in-hidden.png", pngLikeBytes(100))
        try outside.write("outside.png", pngLikeBytes(100))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("out-link.png"), withDestinationPath: outside.file("outside.png"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("in-link.png"), withDestinationPath: scratch.file("a.png"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("hidden-link.png"), withDestinationPath: scratch.file(".hidden.png"))
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("hidden-dir-link.png"), withDestinationPath: scratch.file(".git/in-hidden.png"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("dangling.png"), withDestinationPath: scratch.file("missing.png"))

        let files = try await server.publishDirectory(scratch.path)
        #expect(files.map { ($0.path as NSString).lastPathComponent } == ["a.png", "in-link.png"])
        for file in files {
            let response = try await Fetch.request(file.url.absoluteString)
            #expect(response.status == 200)
            #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("a.png")))))
        }
        await #expect(throws: FrameServerError.hiddenFile(path: scratch.file(".hidden.png"))) {
            try await server.publish(scratch.file(".hidden.png"))
        }
        await #expect(throws: FrameServerError.hiddenFile(path: scratch.file("hidden-link.png"))) {
            try await server.publish(scratch.file("hidden-link.png"))
        }
        await #expect(throws: FrameServerError.notFound(path: scratch.file("missing.png"))) {
            try await server.publish(scratch.file("missing.png"))
        }
        await #expect(throws: FrameServerError.notARegularFile(path: scratch.file("sub"))) {
            try await server.publish(scratch.file("sub"))
        }
        try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: true)
        await #expect(throws: FrameServerError.nothingToPublish(directory: scratch.file("empty"))) {
            try await server.publishDirectory(scratch.file("empty"))
        }
        await #expect(throws: FrameServerError.notFound(path: scratch.file("nope"))) {
            try await server.publishDirectory(scratch.file("nope"))
        }
        await server.stop()
    }
}
