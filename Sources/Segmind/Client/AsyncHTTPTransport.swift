import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The production transport, on AsyncHTTPClient.
public struct AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient

    /// Wraps an existing client (the caller shuts it down).
    public init(client: HTTPClient) {
        self.client = client
    }

    /// Runs `body` with a transport on a new `HTTPClient` (5 s connect, 120 s read timeout) that is shut down afterwards.
    public static func withTransport<T: Sendable>(
        connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(120),
        _ body: (AsyncHTTPTransport) async throws -> T
    ) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .milliseconds(Int64(connectTimeout / .milliseconds(1))), read: .milliseconds(Int64(readTimeout / .milliseconds(1))))
        // Redirects are followed by `execute` (RedirectPolicy), so that the API key never reaches another origin.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(AsyncHTTPTransport(client: client))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sends `request`, following redirects as `RedirectPolicy` allows.
    public func execute(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        var current = request
        var hops = 0
        while true {
            let response = try await send(current, timeout: timeout)
            guard hops < RedirectPolicy.maxHops,
                let next = RedirectPolicy.next(after: current, status: response.status, location: response.headers["location"])
            else { return response }
            var drained = 0
            while drained < 1 << 20, let chunk = try await response.body.next() { drained += chunk.count }
            current = next
            hops += 1
        }
    }

    private func send(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        if let body = request.body { r.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(r, timeout: .milliseconds(Int64(timeout / .milliseconds(1))))
        } catch {
            throw Self.classify(error)
        }
        var headers: [String: String] = [:]
        for (name, value) in response.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { $0 + ", " + value } ?? value
        }
        let reader = BodyIterator(response.body.makeAsyncIterator())
        return TransportResponse(status: Int(response.status.code), headers: headers, body: ResponseBody { try await reader.next() })
    }

    /// Sorts AsyncHTTPClient and NIO errors into "surely not sent", "timed out" and "after sending".
    static func classify(_ error: any Error) -> TransportFailure {
        if let e = error as? TransportFailure { return e }
        let text = String(describing: error)
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout, .getConnectionFromPoolTimeout, .invalidURL, .emptyHost, .emptyScheme,
                .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .tlsHandshakeTimeout, .alreadyShutdown:
                return .notSent(text)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timedOut(text)
            default:
                return .afterSending(text)
            }
        }
        if let e = error as? ChannelError, case .connectTimeout = e { return .notSent(text) }
        if let e = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(e.errnoCode) {
            return .notSent(text)
        }
        let typeName = String(describing: type(of: error))
        if typeName.contains("NIOConnectionError") || typeName.contains("SocketAddressError") || typeName.contains("Resolution") {
            return .notSent(text)
        }
        return .afterSending(text)
    }
}

/// Owns the body iterator of one response; one reader at a time.
private final class BodyIterator: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> [UInt8]? {
        do {
            guard let buffer = try await iterator.next() else { return nil }
            return Array(buffer.readableBytesView)
        } catch {
            throw AsyncHTTPTransport.classify(error)
        }
    }
}
