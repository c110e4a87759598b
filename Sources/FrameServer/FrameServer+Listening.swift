import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import WorkThreads

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FrameServer {
    /// A running Hummingbird application and where it listens.
    struct Listener: Sendable {
        var port: Int
        var ipAddress: String?
        var connections: ConnectionCounter
        var serviceGroup: ServiceGroup
        var runTask: Task<Void, any Error>
    }

    /// Checks the timeouts and the connection cap.
    /// - Throws: `FrameServerError.invalidConfiguration`.
    static func validateLimits(_ configuration: FrameServerConfiguration) throws(FrameServerError) {
        guard configuration.requestHeadTimeout > .zero else {
            throw .invalidConfiguration("the request head timeout must be positive (\(configuration.requestHeadTimeout))")
        }
        guard configuration.idleTimeout > .zero else {
            throw .invalidConfiguration("the idle timeout must be positive (\(configuration.idleTimeout))")
        }
        guard configuration.maximumConnections >= 1 else {
            throw .invalidConfiguration("the connection cap must be at least 1 (\(configuration.maximumConnections))")
        }
    }

    /// Starts the HTTP application on `port` and returns once it is listening.
    /// - Throws: `FrameServerError.bindFailed`.
    static func listen(
        _ configuration: FrameServerConfiguration, port: Int, table: PublicationTable, logger: Logger, eventLoopGroup: (any EventLoopGroup)?
    ) async throws(FrameServerError) -> Listener {
        // Hummingbird and ServiceLifecycle chatter stays at warning level and above.
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .warning)

        struct Bound: Sendable {
            var port: Int
            var ipAddress: String?
        }
        let (boundAddresses, boundContinuation) = AsyncStream.makeStream(of: Bound.self)
        let connections = ConnectionCounter(limit: configuration.maximumConnections)
        let headTimeout = TimeAmount(configuration.requestHeadTimeout)
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let application = Application(
            responder: FrameResponder(table: table, accessLog: configuration.logsAccess ? logger : nil),
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(
                    http1: HTTP1Channel(responder: responder), headTimeout: headTimeout, idleTimeout: idleTimeout, connections: connections
                )
            },
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: port), serverName: nil, backlog: 1024),
            onServerRunning: { channel in
                boundContinuation.yield(Bound(port: channel.localAddress?.port ?? port, ipAddress: channel.localAddress?.ipAddress))
                boundContinuation.finish()
            },
            eventLoopGroupProvider: eventLoopGroup.map { .shared($0) } ?? .singleton,
            logger: quietLogger
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: application)],
            gracefulShutdownSignals: configuration.stopsOnTerminationSignals ? [.sigterm, .sigint] : [],
            logger: quietLogger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        // On threads of its own: a fetch is answered even while synchronous work fills the cooperative pool.
        let runTask = Task(executorPreference: DedicatedExecutor.servers) {
            defer { boundContinuation.finish() }
            try await serviceGroup.run()
        }

        var iterator = boundAddresses.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            let reason: String
            switch await runTask.result {
            case .failure(let error as IOError): reason = String(cString: strerror(error.errnoCode))
            case .failure(let error): reason = String(describing: error)
            case .success: reason = "the server stopped before it was listening"
            }
            throw .bindFailed(host: configuration.host, port: port, reason: reason)
        }
        return Listener(
            port: bound.port, ipAddress: bound.ipAddress, connections: connections, serviceGroup: serviceGroup, runTask: runTask
        )
    }
}
