import Foundation

/// How a `FrameServer` listens, mints URLs and logs.
public struct FrameServerConfiguration: Sendable {
    /// The interface to listen on. Loopback (`127.0.0.1`) unless told otherwise; any other address logs a warning.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int
    /// The base URLs are minted on, for a tunnel or reverse proxy that forwards `BASE/f/...` to this server's
    /// `/f/...`; nil mints them on the local address.
    public var publicBaseURL: URL?
    /// Whether SIGINT and SIGTERM stop the server gracefully (for the command-line tool).
    public var stopsOnTerminationSignals: Bool
    /// Whether each request writes an access-log line (at `info`, tokens redacted).
    public var logsAccess: Bool
    /// Files up to this size are read into memory when published, and served from there after a `stat` check.
    public var memoryCacheFileLimit: Int
    /// The total size of in-memory copies; files past it are read from disk on each request.
    public var memoryCacheLimit: Int
    /// How long a client has to send a whole request head (default 10 s), counted from the connection's start or
    /// from the first byte of a later request; bytes trickling in do not extend it. Then the connection is closed.
    public var requestHeadTimeout: Duration
    /// How long a keep-alive connection may stay idle between requests (default 30 s): from the moment a response has
    /// been handed to the network until the next request's first byte. A response being sent is never cut.
    public var idleTimeout: Duration
    /// The most connections open at once (default 1024); a connection accepted over the cap is closed at once.
    public var maximumConnections: Int
    /// A JSON file that keeps the publications and the listening address across restarts, or nil (the default) to
    /// keep them in memory only. See `FrameServer.start(_:logger:)`.
    public var stateFile: String?

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: interface to listen on (default `127.0.0.1`).
    ///   - port: TCP port; 0 (the default) picks a free one.
    ///   - publicBaseURL: base for minted URLs, or nil for the local address.
    ///   - stopsOnTerminationSignals: stop gracefully on SIGINT and SIGTERM.
    ///   - logsAccess: write an access-log line per request.
    ///   - memoryCacheFileLimit: largest file kept in memory (default 16 MiB).
    ///   - memoryCacheLimit: total in-memory budget (default 256 MiB).
    ///   - requestHeadTimeout: time allowed for a whole request head (default 10 s).
    ///   - idleTimeout: time a keep-alive connection may stay idle between requests (default 30 s).
    ///   - maximumConnections: most connections open at once (default 1024).
    ///   - stateFile: JSON file keeping publications across restarts, or nil for memory only.
    public init(
        host: String = "127.0.0.1", port: Int = 0, publicBaseURL: URL? = nil, stopsOnTerminationSignals: Bool = false,
        logsAccess: Bool = true, memoryCacheFileLimit: Int = 16 << 20, memoryCacheLimit: Int = 256 << 20,
        requestHeadTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30), maximumConnections: Int = 1024,
        stateFile: String? = nil
    ) {
        (self.requestHeadTimeout, self.idleTimeout, self.maximumConnections) = (requestHeadTimeout, idleTimeout, maximumConnections)
        self.stateFile = stateFile
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.stopsOnTerminationSignals = stopsOnTerminationSignals
        self.logsAccess = logsAccess
        self.memoryCacheFileLimit = memoryCacheFileLimit
        self.memoryCacheLimit = memoryCacheLimit
    }

    /// Checks a public base URL: absolute `http` or `https` with a host, and no query or fragment.
    /// - Returns: the URL without a trailing slash.
    /// - Throws: `FrameServerError.invalidPublicBaseURL`.
    public static func validatedPublicBaseURL(_ text: String) throws(FrameServerError) -> URL {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else { throw .invalidPublicBaseURL(text) }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed) else { throw .invalidPublicBaseURL(text) }
        return url
    }
}

/// A file the server is publishing.
public struct PublishedFile: Sendable, Equatable, Hashable {
    /// The path as it was given to `publish` (or found in the published folder).
    public let path: String
    /// The URL it is served at.
    public let url: URL
    /// The random token in the URL; `unpublish(token:)` takes it.
    public let token: String
    /// The kind sniffed from the file's first bytes.
    public let kind: MediaKind
    /// The size in bytes when published.
    public let size: Int
}
