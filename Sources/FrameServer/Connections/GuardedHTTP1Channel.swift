import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Hummingbird's HTTP/1.1 child channel with a connection cap and the request-head and idle deadlines of
/// `ConnectionTimeoutHandler` added to every connection's pipeline.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let headTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let connections: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = connections.admit()
        if admitted {
            let connections = connections
            channel.closeFuture.whenComplete { _ in connections.release() }
        }
        let headTimeout = headTimeout
        let idleTimeout = idleTimeout
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Over the cap: the connection is closed at once (a failed setup would end the server's accept loop).
            guard admitted else {
                channel.close(promise: nil)
                return value
            }
            let pipeline = channel.pipeline.syncOperations
            let timeouts = ConnectionTimeoutHandler(headTimeout: headTimeout, idleTimeout: idleTimeout)
            try pipeline.addHandler(timeouts, position: .before(try pipeline.handler(type: HTTPConnectionStateHandler.self)))
            try pipeline.addHandler(RequestByteWatcher(timeouts), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Counts a server's open connections against a cap. Thread-safe.
final class ConnectionCounter: Sendable {
    /// The most connections open at once.
    let limit: Int
    private let count = Atomic<Int>(0)
    private let admittedCount = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// The connections open now.
    var open: Int { count.load(ordering: .relaxed) }
    /// The connections admitted since the server started.
    var admitted: Int { admittedCount.load(ordering: .relaxed) }

    /// Counts a new connection if the cap allows it; false means it must be closed.
    func admit() -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                admittedCount.add(1, ordering: .relaxed)
                return true
            }
            current = original
        }
        return false
    }

    /// Forgets a connection counted by `admit`.
    func release() {
        count.subtract(1, ordering: .relaxed)
    }
}
