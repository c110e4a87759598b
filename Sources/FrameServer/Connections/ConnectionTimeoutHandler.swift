import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head is slow to arrive, or that sits idle between requests.
///
/// One deadline at a time, by phase:
/// - waiting for a head: the whole request head must arrive within `headTimeout`, counted from the connection's
///   start (or from the first byte after an idle spell); bytes trickling in do not extend it;
/// - idle: once a response has been handed to the network and no request is pending, the next request must start
///   within `idleTimeout`;
/// - busy (a request is being answered): no deadline, so a slow but steady download is never cut.
///
/// It sits after the HTTP codec and sees request and response parts; `RequestByteWatcher`, at the front of the
/// pipeline, tells it when raw bytes arrive. Both run on the connection's event loop.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the connection is doing, which decides the deadline.
    enum Phase: Equatable {
        case awaitingHead
        case idle
        case busy
    }

    private let headTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private(set) var phase = Phase.awaitingHead
    private var requestsInProgress = 0
    private var bytesSinceHead = false
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(headTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        enter(.awaitingHead)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    /// Raw bytes arrived (called by `RequestByteWatcher` before the decoder sees them).
    func bytesArrived() {
        bytesSinceHead = true
        if phase == .idle { enter(.awaitingHead) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            requestsInProgress += 1
            bytesSinceHead = false
            enter(.busy)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // The idle clock starts when the response's last bytes have been handed to the kernel, not when they were
        // queued: a large in-memory body can take long to reach a slow client.
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenSuccess { [weak self] in self?.responseFinished() }
        context.write(data, promise: written)
    }

    private func responseFinished() {
        requestsInProgress = max(0, requestsInProgress - 1)
        guard requestsInProgress == 0 else { return }
        enter(bytesSinceHead ? .awaitingHead : .idle)
    }

    private func enter(_ next: Phase) {
        phase = next
        cancelTimer()
        guard let context, next != .busy else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: next == .idle ? idleTimeout : headTimeout) { [weak self] in
            self?.expire()
        }
    }

    private func expire() {
        timer = nil
        guard phase != .busy, let context else { return }
        context.close(promise: nil)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

/// The first handler of a connection's pipeline: tells a `ConnectionTimeoutHandler` whenever request bytes arrive,
/// so a request head that starts after an idle spell gets the head deadline.
final class RequestByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeouts: ConnectionTimeoutHandler

    init(_ timeouts: ConnectionTimeoutHandler) {
        self.timeouts = timeouts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timeouts.bytesArrived()
        context.fireChannelRead(data)
    }
}
