import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small static file server that makes local files fetchable by URL, for a hosted API to download.
///
/// Files are published one by one and looked up in an in-memory table by an unguessable token:
/// `BASE/f/<128-bit token>/<name>`. URLs never map onto the file system, so nothing that was not published can be
/// reached. A file that changes or disappears after it was published answers 404 (see `FileIdentity`).
///
/// ```swift
/// let server = try await FrameServer.start()
/// let url = try await server.publish("/tmp/run/last-frame.png")
/// // ... hand `url` to the API ...
/// await server.stop()
/// ```
public final class FrameServer: Sendable {
    /// The configuration the server was started with.
    public let configuration: FrameServerConfiguration
    /// The address the server answers on locally, e.g. `http://127.0.0.1:49152`.
    public let localBaseURL: URL
    /// The base published URLs are minted on: the public base URL if one was given, else `localBaseURL`.
    public let baseURL: URL
    /// The TCP port the server listens on.
    public let port: Int
    /// Whether the server listens on a loopback address only.
    public let isLoopback: Bool

    let table: PublicationTable
    let logger: Logger
    /// The open connections, against `configuration.maximumConnections`.
    let connections: ConnectionCounter
    /// Serialises writes of the state file.
    let stateLock = Mutex(())
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let stopped = Atomic<Bool>(false)

    private init(
        configuration: FrameServerConfiguration, localBaseURL: URL, baseURL: URL, port: Int, isLoopback: Bool, logger: Logger,
        table: PublicationTable, listener: Listener
    ) {
        self.table = table
        self.configuration = configuration
        self.localBaseURL = localBaseURL
        self.baseURL = baseURL
        self.port = port
        self.isLoopback = isLoopback
        self.logger = logger
        self.connections = listener.connections
        self.serviceGroup = listener.serviceGroup
        self.runTask = listener.runTask
    }

    deinit {
        if !stopped.load(ordering: .acquiring) { runTask.cancel() }
    }

    /// Starts a server on `host:port` and returns once it is listening.
    /// - Parameters:
    ///   - host: interface to listen on (default `127.0.0.1`; anything else logs a warning).
    ///   - port: TCP port; 0 picks a free one (read it back from `port`).
    ///   - publicBaseURL: base to mint URLs on (a tunnel or reverse proxy), or nil for the local address.
    ///   - logger: receives the access log (tokens redacted) and warnings.
    /// - Throws: `FrameServerError.invalidAddress`, `.invalidPublicBaseURL` or `.bindFailed`.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, publicBaseURL: URL? = nil, logger: Logger = Logger(label: "shotchain.frameserver")
    ) async throws(FrameServerError) -> FrameServer {
        try await start(FrameServerConfiguration(host: host, port: port, publicBaseURL: publicBaseURL), logger: logger)
    }

    /// Starts a server with a full configuration and returns once it is listening.
    ///
    /// With a `stateFile`, an existing file is read first: when the configured port is 0 the server listens on the
    /// port recorded there (or on a free one, with a warning, if that port is taken), and every recorded publication
    /// whose file is unchanged is published again under the same token, so its URL answers again; the others are
    /// dropped with a warning. From then on the file is rewritten atomically whenever the publications change.
    /// - Throws: `FrameServerError.invalidAddress`, `.invalidPublicBaseURL`, `.invalidConfiguration`, `.bindFailed`
    ///   or `.stateFile`.
    public static func start(
        _ configuration: FrameServerConfiguration, logger: Logger = Logger(label: "shotchain.frameserver")
    ) async throws(FrameServerError) -> FrameServer {
        try await start(configuration, logger: logger, eventLoopGroup: nil)
    }

    /// Starts a server on the given event loops (nil: NIO's shared ones); tests give a server loops of its own.
    static func start(
        _ configuration: FrameServerConfiguration, logger: Logger, eventLoopGroup: (any EventLoopGroup)?
    ) async throws(FrameServerError) -> FrameServer {
        let host = configuration.host
        guard (0...65535).contains(configuration.port) else {
            throw .invalidAddress(host: host, port: configuration.port, reason: "the port must be 0...65535")
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw .invalidAddress(host: host, port: configuration.port, reason: "not a host name or IP address")
        }
        let publicBaseURL = try configuration.publicBaseURL.map { url throws(FrameServerError) in
            try FrameServerConfiguration.validatedPublicBaseURL(url.absoluteString)
        }
        try validateLimits(configuration)
        let saved = try configuration.stateFile.flatMap { path throws(FrameServerError) in try StateFile.read(path) }

        let table = PublicationTable()
        let listener: Listener
        if configuration.port == 0, let savedPort = saved?.port, savedPort != 0 {
            do {
                listener = try await listen(configuration, port: savedPort, table: table, logger: logger, eventLoopGroup: eventLoopGroup)
            } catch {
                logger.warning(
                    "cannot listen on port \(savedPort) again, as the state file records (\(error)); the URLs minted before the restart will not answer"
                )
                listener = try await listen(configuration, port: 0, table: table, logger: logger, eventLoopGroup: eventLoopGroup)
            }
        } else {
            listener = try await listen(configuration, port: configuration.port, table: table, logger: logger, eventLoopGroup: eventLoopGroup)
        }

        let isLoopback = Self.isLoopbackAddress(listener.ipAddress)
        let localHost: String
        switch host {
        case "0.0.0.0": localHost = "127.0.0.1"
        case "::", "[::]": localHost = "[::1]"
        default: localHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
        let localBaseURL = URL(string: "http://\(localHost):\(listener.port)")!
        let server = FrameServer(
            configuration: configuration, localBaseURL: localBaseURL, baseURL: publicBaseURL ?? localBaseURL, port: listener.port,
            isLoopback: isLoopback, logger: logger, table: table, listener: listener
        )
        if configuration.stateFile != nil {
            do {
                try server.restore(saved?.publications ?? [])
            } catch {
                await server.stop()
                throw error
            }
        }
        if !isLoopback {
            logger.warning(
                "frame server listening on \(host):\(listener.port), which is not a loopback interface: anyone who can reach it and knows a URL can download that file"
            )
        }
        return server
    }

    /// Whether an IP address (as NIO prints it) is a loopback address.
    static func isLoopbackAddress(_ address: String?) -> Bool {
        guard let address else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// Publishes one file and returns its URL.
    /// - Parameter path: the file; symbolic links are resolved and the target is what is served.
    /// - Throws: `FrameServerError` (`notFound`, `hiddenFile`, `notARegularFile`, `unreadable`, `changedWhileReading`,
    ///   `stopped`).
    public func publish(_ path: String) async throws(FrameServerError) -> URL {
        try publishFile(path).url
    }

    /// Publishes one file and returns everything about the publication.
    /// - Throws: as `publish(_:)`, and `.stateFile` if the state file cannot be written (the file is then not
    ///   published).
    public func publishFile(_ path: String) throws(FrameServerError) -> PublishedFile {
        try publishFile(path, recording: true)
    }

    /// Publishes one file; with `recording`, the state file (if any) is rewritten and the publication undone if
    /// that fails.
    func publishFile(_ path: String, recording: Bool) throws(FrameServerError) -> PublishedFile {
        let publication = try preparePublication(path)
        table.insert(publication)
        if recording {
            do {
                try saveState()
            } catch {
                table.remove(token: publication.token)
                throw error
            }
        }
        return publishedFile(publication)
    }

    /// Opens, checks and (when small enough) reads a file for publication, under a new token, or under the recorded
    /// token and name when it is restored from the state file (then the file must still match the recorded identity).
    func preparePublication(_ path: String, recorded: PublicationState.Entry? = nil) throws(FrameServerError) -> Publication {
        guard !stopped.load(ordering: .acquiring) else { throw .stopped }
        let fileName = (path as NSString).lastPathComponent
        guard !fileName.hasPrefix(".") else { throw .hiddenFile(path: path) }
        guard let resolved = recorded?.resolvedPath ?? Self.resolvedPath(path) else {
            throw errno == ENOENT || errno == ENOTDIR ? .notFound(path: path) : .unreadable(path: path, reason: currentErrnoDescription())
        }
        guard !(resolved as NSString).lastPathComponent.hasPrefix(".") else { throw .hiddenFile(path: path) }

        let file = try ReadOnlyFile(path: resolved)
        guard let identity = FileIdentity.current(descriptor: file.descriptor) else { throw .notARegularFile(path: path) }
        if let recorded, identity != recorded.identity { throw .changedWhileReading(path: path) }
        var header = [UInt8](repeating: 0, count: 16)
        let headerCount = header.withUnsafeMutableBytes { file.read(into: $0, count: 16, offset: 0) }
        guard headerCount >= 0 else { throw .unreadable(path: path, reason: currentErrnoDescription()) }
        let kind = MediaKind(sniffing: header.prefix(headerCount))

        var contents: ByteBuffer?
        if identity.size <= configuration.memoryCacheFileLimit && table.reserveCache(identity.size, limit: configuration.memoryCacheLimit) {
            do {
                contents = try Self.readAll(file, size: identity.size, path: path)
            } catch {
                table.releaseCache(identity.size)
                throw error
            }
            guard FileIdentity.current(descriptor: file.descriptor) == identity else {
                table.releaseCache(identity.size)
                throw .changedWhileReading(path: path)
            }
        }

        return Publication(
            token: recorded?.token ?? PublicationTable.makeToken(), name: recorded?.name ?? PublicationTable.urlName(for: fileName),
            originalPath: path, resolvedPath: resolved, identity: identity, kind: kind,
            entityTag: identity.entityTag, lastModified: HTTPDate.format(secondsSince1970: identity.modificationSeconds),
            contents: contents
        )
    }

    /// Unpublishes a URL this server minted; afterwards it answers 404.
    /// - Returns: whether the URL was published.
    @discardableResult
    public func unpublish(_ url: URL) async -> Bool {
        let prefix = baseURL.absoluteString + "/f/"
        let text = url.absoluteString
        guard text.hasPrefix(prefix) else { return false }
        let parts = text.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return await unpublish(token: String(parts[0]))
    }

    /// Unpublishes by token; afterwards the URL answers 404 (and the state file, if any, no longer lists it; a
    /// failure to rewrite it is logged as a warning).
    /// - Returns: whether the token was published.
    @discardableResult
    public func unpublish(token: String) async -> Bool {
        guard table.remove(token: token) != nil else { return false }
        do {
            try saveState()
        } catch {
            logger.warning("\(error.description)")
        }
        return true
    }

    /// Everything currently published, ordered by path.
    public var published: [PublishedFile] {
        table.all.map(publishedFile).sorted { ($0.path, $0.token) < ($1.path, $1.token) }
    }

    /// Stops the server gracefully (in-flight responses get up to 5 s), unpublishes everything and returns when it has
    /// stopped. Calling it again does nothing. A state file keeps its publications for the next start.
    public func stop() async {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) {
            await serviceGroup.triggerGracefulShutdown()
        }
        _ = await runTask.result
        table.removeAll()
    }

    /// Waits until the server stops (after `stop()`, or a termination signal when so configured).
    /// - Throws: the error the server failed with, if it did not stop cleanly.
    public func waitUntilStopped() async throws {
        defer { table.removeAll() }
        try await runTask.value
        stopped.store(true, ordering: .releasing)
    }

    func publishedFile(_ publication: Publication) -> PublishedFile {
        let url = URL(string: baseURL.absoluteString + "/f/" + publication.token + "/" + publication.name)!
        return PublishedFile(
            path: publication.originalPath, url: url, token: publication.token, kind: publication.kind, size: publication.identity.size
        )
    }

    /// The path with every symbolic link resolved, or nil with `errno` set.
    static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads a whole file into a buffer.
    private static func readAll(_ file: ReadOnlyFile, size: Int, path: String) throws(FrameServerError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        var failure: String?
        while buffer.readableBytes < size && failure == nil {
            let offset = buffer.readableBytes
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size - offset) { target in
                let count = file.read(into: target, count: size - offset, offset: offset)
                if count < 0 {
                    failure = currentErrnoDescription()
                    return 0
                }
                if count == 0 { failure = "" }
                return count
            }
        }
        if let failure { throw failure.isEmpty ? .changedWhileReading(path: path) : .unreadable(path: path, reason: failure) }
        return buffer
    }
}

/// Runs `body` with a started frame server and always stops it afterwards, even when `body` throws.
/// - Parameters:
///   - configuration: how to listen and mint URLs.
///   - logger: access log and warnings.
///   - body: the work that needs the server.
/// - Returns: what `body` returns.
public func withFrameServer<Result: Sendable>(
    _ configuration: FrameServerConfiguration = FrameServerConfiguration(), logger: Logger = Logger(label: "shotchain.frameserver"),
    _ body: (FrameServer) async throws -> Result
) async throws -> Result {
    let server = try await FrameServer.start(configuration, logger: logger)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
