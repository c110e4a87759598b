import AsyncHTTPClient
import Foundation
import Logging
import MediaTestSupport
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import FrameServer

#if canImport(Glibc)
    import Glibc
#endif

/// A private folder for one test, removed by the caller with `remove()`.
struct Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("frameserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes bytes and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Copies a file in and returns the new path.
    @discardableResult
    func copy(_ source: String, as name: String) throws -> String {
        let path = file(name)
        try FileManager.default.copyItem(atPath: source, toPath: path)
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Deterministic noisy bytes that start with a PNG signature (enough for the sniffer), `count` long.
func pngLikeBytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    for (index, byte) in signature.enumerated() where index < count { bytes[index] = byte }
    return bytes
}

/// A real PNG made by the ffmpeg CLI (noise, so it does not compress away).
func makePNG(at path: String, size: String = "320x240") throws {
    try ffmpeg(["-f", "lavfi", "-i", "nullsrc=s=\(size),geq=random(1)*255:128:128", "-frames:v", "1", path])
}

/// One HTTP response as the tests see it.
struct FetchedResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// HTTP requests through AsyncHTTPClient.
enum Fetch {
    static func request(
        _ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], client: HTTPClient = .shared,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> FetchedResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 << 20)
        return FetchedResponse(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
    }
}

/// What came back over a raw socket: everything the server sent until it closed the connection.
struct RawResponse {
    var bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// The status code from the status line, or nil if there was no response.
    var status: Int? {
        guard text.hasPrefix("HTTP/1.") else { return nil }
        let parts = text.split(separator: " ", maxSplits: 2)
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
    /// The bytes after the header block.
    var body: [UInt8] {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return [] }
        for index in 0...(bytes.count - 4) where Array(bytes[index..<index + 4]) == marker {
            return Array(bytes[(index + 4)...])
        }
        return []
    }
}

/// Sends raw bytes to 127.0.0.1:port and reads until the server closes (or 5 s pass), on its own thread so the
/// Swift concurrency pool is never blocked.
func rawExchange(port: Int, _ request: [UInt8]) async throws -> RawResponse {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RawResponse, any Error>) in
        let thread = Thread {
            continuation.resume(with: Result { try blockingExchange(port: port, request) })
        }
        thread.start()
    }
}

/// Sends a raw request string (CRLF line ends are the caller's business).
func rawExchange(port: Int, _ request: String) async throws -> RawResponse {
    try await rawExchange(port: port, Array(request.utf8))
}

private struct SocketError: Error, CustomStringConvertible {
    var description: String
}

private func blockingExchange(port: Int, _ request: [UInt8]) throws -> RawResponse {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(description: "socket failed") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw SocketError(description: "connect failed: \(String(cString: strerror(errno)))") }
    var sent = 0
    while sent < request.count {
        let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard count > 0 else { break }
        sent += count
    }
    shutdown(fd, Int32(SHUT_WR))
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        received += chunk[0..<count]
    }
    return RawResponse(bytes: received)
}

/// A log handler that keeps every message, for asserting on the access log.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    var messages: [(level: Logger.Level, message: String)] { lines.withLock { $0.map { (level: $0.0, message: $0.1) } } }

    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "test.frameserver") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) { lines.withLock { $0.append((level, message)) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.append(event.level, event.message.description)
        }
    }
}

/// The token and name in a minted URL (`.../f/<token>/<name>`).
func tokenAndName(_ url: URL) -> (token: String, name: String) {
    let parts = url.path.split(separator: "/")
    return (String(parts[parts.count - 2]), String(parts[parts.count - 1]))
}

/// Starts a quiet server (no access log) for a test.
func startServer(cache: Bool = true, logger: Logger? = nil, publicBaseURL: URL? = nil) async throws -> FrameServer {
    var configuration = FrameServerConfiguration(publicBaseURL: publicBaseURL, logsAccess: logger != nil)
    if !cache { configuration.memoryCacheFileLimit = 0 }
    return try await FrameServer.start(configuration, logger: logger ?? Logger(label: "test.frameserver"))
}
