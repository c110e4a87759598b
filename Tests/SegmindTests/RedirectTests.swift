import Foundation
import Segmind
import Testing

/// Two HTTP servers on loopback (python3's http.server): A redirects, B and A's `/final` log the headers they got.
private final class RedirectServers: @unchecked Sendable {
    let process = Process()
    let log: URL
    let a: Int
    let b: Int

    static let script = #"""
        import http.server, json, sys, threading
        log = open(sys.argv[1], "a", buffering=1)
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def handle_one(self):
                if self.path == "/final":
                    n = int(self.headers.get("content-length") or 0)
                    body = self.rfile.read(n).decode() if n else ""
                    log.write(json.dumps({"port": self.server.server_port, "method": self.command, "body": body,
                                          "key": self.headers.get("x-api-key")}) + "\n")
                    self.send_response(200); self.send_header("content-length", "2"); self.end_headers(); self.wfile.write(b"ok")
                    return
                target = {"/same": "/final", "/cross": "http://127.0.0.1:%d/final" % B.server_port,
                          "/loop": "/loop"}.get(self.path.split("?")[0], "/final")
                self.send_response(307 if self.command == "POST" else 302)
                self.send_header("location", target); self.send_header("content-length", "0"); self.end_headers()
            do_GET = handle_one
            do_POST = handle_one
        A = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        B = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        for s in (A, B): threading.Thread(target=s.serve_forever, daemon=True).start()
        print(A.server_port, B.server_port, flush=True)
        sys.stdin.read()
        """#

    init() throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("redirects-\(UUID().uuidString).jsonl")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, log.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = Pipe()
        try process.run()
        var line = Data()
        while !line.contains(0x0a), let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty { line.append(byte) }
        let ports = String(decoding: line, as: UTF8.self).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard ports.count == 2 else { throw SegmindError.configuration("redirect servers did not start") }
        (a, b) = (ports[0], ports[1])
    }

    /// What the `/final` handlers logged, one dictionary per request.
    func hits() throws -> [[String: Any]] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: log)
    }
}

@Test func aRedirectToAnotherOriginNeverCarriesTheKeyAndTheSameOriginKeepsIt() async throws {
    let servers = try RedirectServers()
    defer { servers.stop() }
    try await AsyncHTTPTransport.withTransport { transport in
        let key = ("x-api-key", "secret-key")
        let same = try await transport.execute(
            TransportRequest(method: "GET", url: "http://127.0.0.1:\(servers.a)/same", headers: [key]), timeout: .seconds(10))
        #expect(same.status == 200)
        let cross = try await transport.execute(
            TransportRequest(method: "GET", url: "http://127.0.0.1:\(servers.a)/cross", headers: [key]), timeout: .seconds(10))
        #expect(cross.status == 200)
        let post = try await transport.execute(
            TransportRequest(
                method: "POST", url: "http://127.0.0.1:\(servers.a)/cross", headers: [key, ("content-type", "application/json")],
                body: Data("{}".utf8)),
            timeout: .seconds(10))
        #expect(post.status == 200)
        // A redirect loop stops after five hops with the redirect itself as the answer.
        let loop = try await transport.execute(
            TransportRequest(method: "GET", url: "http://127.0.0.1:\(servers.a)/loop", headers: [key]), timeout: .seconds(10))
        #expect(loop.status == 302)
    }
    let hits = try servers.hits()
    #expect(hits.count == 3)
    #expect(hits.first?["port"] as? Int == servers.a && hits.first?["key"] as? String == "secret-key")
    // The other port got both the GET and the POST (307 keeps method and body), never with the key.
    let other = hits.filter { $0["port"] as? Int == servers.b }
    #expect(other.count == 2)
    #expect(other.allSatisfy { $0["key"] is NSNull || $0["key"] == nil })
    #expect(other.contains { $0["method"] as? String == "POST" && $0["body"] as? String == "{}" })
}

@Test func redirectsNeverGoFromHTTPSToHTTPAndPlainHTTPToAnotherMachineIsRefused() throws {
    let request = TransportRequest(method: "GET", url: "https://api.example.test/v2/x", headers: [("x-api-key", "k")])
    #expect(RedirectPolicy.next(after: request, status: 302, location: "http://api.example.test/v2/y") == nil)
    let sameHost = try #require(RedirectPolicy.next(after: request, status: 302, location: "/v2/y"))
    #expect(sameHost.url == "https://api.example.test/v2/y" && sameHost.header("x-api-key") == "k")
    let elsewhere = try #require(RedirectPolicy.next(after: request, status: 301, location: "https://cdn.example.test/f"))
    #expect(elsewhere.header("x-api-key") == nil)
    let otherPort = try #require(RedirectPolicy.next(after: request, status: 307, location: "https://api.example.test:8443/v2/y"))
    #expect(otherPort.header("x-api-key") == nil)
    #expect(RedirectPolicy.next(after: request, status: 200, location: "/v2/y") == nil)
    #expect(throws: SegmindError.self) { try SegmindConfiguration(baseURL: "http://api.example.test", apiKey: APIKey("k")) }
    #expect(try SegmindConfiguration(baseURL: "http://127.0.0.1:8080", apiKey: APIKey("k")).baseURL == "http://127.0.0.1:8080")
}
