import Foundation

/// One HTTP request as the client hands it to a transport.
public struct TransportRequest: Sendable, Equatable {
    /// "GET" or "POST".
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields (name, value), sent in order.
    public var headers: [(String, String)]
    /// The body, for POST.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public static func == (a: TransportRequest, b: TransportRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }
}

/// The body of a response, read chunk by chunk so large downloads keep memory flat.
public struct ResponseBody: Sendable {
    private let nextChunk: @Sendable () async throws -> [UInt8]?

    /// Creates a body from a function that returns the next chunk, or nil at the end.
    public init(next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.nextChunk = next
    }

    /// A body held in memory, handed out in chunks of `chunkSize` bytes.
    public static func bytes(_ bytes: [UInt8], chunkSize: Int = 65536) -> ResponseBody {
        let state = ChunkState(bytes: bytes, chunkSize: max(1, chunkSize))
        return ResponseBody { state.next() }
    }

    /// The next chunk, or nil when the body is complete.
    ///
    /// - Throws: `TransportFailure` when the connection fails before the body is complete.
    public func next() async throws -> [UInt8]? { try await nextChunk() }

    /// Reads the whole body, up to `limit` bytes (more is an error).
    public func collect(limit: Int = 16 << 20) async throws -> Data {
        var data = Data()
        while let chunk = try await next() {
            data.append(contentsOf: chunk)
            if data.count > limit { throw TransportFailure.afterSending("response body larger than \(limit) bytes") }
        }
        return data
    }
}

/// Hands out an in-memory body in chunks.
private final class ChunkState: @unchecked Sendable {
    private let lock = NSLock()
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    init(bytes: [UInt8], chunkSize: Int) {
        self.bytes = bytes
        self.chunkSize = chunkSize
    }

    func next() -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// A response head and its streamed body.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields with lowercased names (repeated fields joined with ", ").
    public var headers: [String: String]
    /// The body.
    public var body: ResponseBody

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: ResponseBody) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, b in a + ", " + b })
        self.body = body
    }
}

/// Why a request got no (complete) response. The difference matters for submits: only `notSent` is safe to resend.
public enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request surely did not reach the server (connection refused, DNS failure, connect timeout).
    case notSent(String)
    /// The connection failed after the request was (maybe) sent.
    case afterSending(String)
    /// The request's time limit passed.
    case timedOut(String)

    public var description: String {
        switch self {
        case .notSent(let m): return "could not connect (\(m))"
        case .afterSending(let m): return "connection failed (\(m))"
        case .timedOut(let m): return "timed out (\(m))"
        }
    }
}

/// Sends HTTP requests. The client's only way to the network, injected so tests control it.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response head with a body still to be read.
    ///
    /// - Parameter timeout: the time limit for the whole exchange, body included.
    /// - Throws: `TransportFailure`.
    func execute(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse
}
