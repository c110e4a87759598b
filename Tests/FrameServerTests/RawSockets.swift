import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback TCP connection for the hardening tests, used from threads of its own (never from the Swift
/// concurrency pool, which runs the server).
final class RawConnection {
    let descriptor: Int32
    /// When `connect` returned.
    let connectedAt: ContinuousClock.Instant

    /// Connects to 127.0.0.1:port; nil if the connection cannot be made.
    init?(port: Int, receiveBuffer: Int32? = nil) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
        connectedAt = .now
    }

    deinit { close(descriptor) }

    /// Sends bytes; false if the connection is gone.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Reads what is there, waiting up to `timeout`: the bytes, [] at end of stream (or reset), nil if nothing came.
    func receive(upTo count: Int = 65536, timeout: Duration) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return received > 0 ? Array(buffer[0..<received]) : []
    }

    /// Waits until the server closes the connection (discarding anything it sends first) and returns when that was,
    /// or nil if it is still open after `timeout`.
    func waitForClose(timeout: Duration) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let bytes = receive(timeout: deadline - .now) else { return nil }
            if bytes.isEmpty { return .now }
        }
        return nil
    }

    /// Reads one response with a `Content-Length` body: the head's text and the body.
    func readResponse(timeout: Duration, pause: Duration? = nil) -> (head: String, body: [UInt8])? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var headEnd: Int?
        var length = 0
        while ContinuousClock.now < deadline {
            if headEnd == nil, let end = received.firstRange(of: [13, 10, 13, 10])?.upperBound {
                headEnd = end
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let line = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                length = line.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            }
            if let headEnd, received.count - headEnd >= length {
                return (String(decoding: received[..<headEnd], as: UTF8.self), Array(received[headEnd..<(headEnd + length)]))
            }
            guard let bytes = receive(timeout: deadline - .now), !bytes.isEmpty else { return nil }
            received += bytes
            if let pause { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds)) }
        }
        return nil
    }
}

/// Runs blocking work on a thread of its own and returns its result.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// Raises the soft open-file limit to at least `wanted` (up to the hard limit) and returns the soft limit now.
@discardableResult
func raiseOpenFileLimit(to wanted: Int) -> Int {
    var limits = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 256 }
    if limits.rlim_cur < rlim_t(wanted) {
        limits.rlim_cur = min(rlim_t(wanted), limits.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
    }
    return Int(min(limits.rlim_cur, rlim_t(Int32.max)))
}

/// Many connections that each sent half a request head, watched until the server closes them.
struct HalfHeadFlood: Sendable {
    /// How many connections were opened.
    var opened = 0
    /// How many the server closed before the deadline.
    var closed = 0
    /// The shortest and longest time from connect to close.
    var fastest = Duration.seconds(1000)
    var slowest = Duration.zero
    /// How many closes took more than 3 s, and how many batches the server had not accepted within 5 s.
    var slowCloses = 0
    var lateBatches = 0

    /// Opens `count` connections to `port` in batches, each sending half a request head, then watches them all with
    /// `poll` until every one is closed or `timeout` passes. After each batch it waits (up to 5 s) until `accepted()`
    /// shows the server has them all, so the time from connect to close is the server's and not the kernel's accept
    /// queue's. `stillOpen` holds the number of flood connections open at any time.
    static func run(
        port: Int, count: Int, timeout: Duration, stillOpen: SharedCount, accepted: @Sendable () -> Int
    ) -> HalfHeadFlood {
        var flood = HalfHeadFlood()
        var connections: [RawConnection] = []
        var open = Set<Int>()
        let acceptedBefore = accepted()
        for index in 0..<count {
            guard let connection = RawConnection(port: port) else { continue }
            connection.send("GET /f/\(String(repeating: "0", count: 32))/x\(index).png HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: half")
            open.insert(connections.count)
            connections.append(connection)
            stillOpen.value.add(1, ordering: .relaxed)
            if connections.count % 100 == 0 || index == count - 1 {
                let deadline = ContinuousClock.now + .seconds(5)
                while accepted() - acceptedBefore < connections.count && ContinuousClock.now < deadline { usleep(1000) }
                if accepted() - acceptedBefore < connections.count { flood.lateBatches += 1 }
                // Closes of the earlier batches are noted as they happen, not once all are open.
                flood.sweep(connections, &open, stillOpen: stillOpen, waitMilliseconds: 0)
            }
        }
        flood.opened = connections.count
        let deadline = ContinuousClock.now + timeout
        while !open.isEmpty && ContinuousClock.now < deadline {
            flood.sweep(connections, &open, stillOpen: stillOpen, waitMilliseconds: 100)
        }
        stillOpen.value.subtract(open.count, ordering: .relaxed)
        return flood
    }

    /// Polls the open connections once and records those the server has closed.
    private mutating func sweep(_ connections: [RawConnection], _ open: inout Set<Int>, stillOpen: SharedCount, waitMilliseconds: Int32) {
        let indices = Array(open)
        var pollers = indices.map { pollfd(fd: connections[$0].descriptor, events: Int16(POLLIN), revents: 0) }
        guard !pollers.isEmpty, poll(&pollers, nfds_t(pollers.count), waitMilliseconds) > 0 else { return }
        let now = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 4096)
        for (slot, poller) in pollers.enumerated() where poller.revents != 0 {
            let index = indices[slot]
            let received = buffer.withUnsafeMutableBytes { recv(connections[index].descriptor, $0.baseAddress, $0.count, 0) }
            guard received <= 0 else { continue }
            open.remove(index)
            stillOpen.value.subtract(1, ordering: .relaxed)
            let elapsed = now - connections[index].connectedAt
            closed += 1
            fastest = min(fastest, elapsed)
            slowest = max(slowest, elapsed)
            if elapsed > .seconds(3) { slowCloses += 1 }
        }
    }
}

/// A counter shared between threads.
final class SharedCount: Sendable {
    let value = Atomic<Int>(0)
}
