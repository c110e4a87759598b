import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Standard error for a busy server's log: lines are collected and written in batches (when 64 KiB are pending, when
/// `flush()` is called, and at once for warnings and errors), so a server answering tens of thousands of requests a
/// second makes one write(2) per batch instead of one or more per access-log line.
final class BatchedStandardError: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var second: time_t = -1
        var stamp = ""
    }

    private let state = Mutex(State())
    private let limit = 64 * 1024

    /// Appends one line (formatted with the current time) and writes the batch when it is full or `urgent`.
    func append(label: String, level: Logger.Level, text: String, urgent: Bool) {
        state.withLock { s in
            let now = time(nil)
            if now != s.second {
                s.second = now
                s.stamp = Self.timestamp(now)
            }
            s.pending.append(contentsOf: "\(s.stamp) \(level) \(label): \(text)\n".utf8)
            if urgent || s.pending.count >= limit { Self.write(&s.pending) }
        }
    }

    /// Routes every logger to a batched standard error for the duration of `body`, flushing every 100 ms and at the
    /// end (the logging system can be bootstrapped once per process).
    static func withBatchedLogging(_ body: () async throws -> Void) async throws {
        let sink = BatchedStandardError()
        LoggingSystem.bootstrap { label in BatchedLogHandler(label: label, sink: sink) }
        let flusher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                sink.flush()
            }
        }
        defer {
            flusher.cancel()
            sink.flush()
        }
        try await body()
    }

    /// Writes everything pending.
    func flush() {
        state.withLock { Self.write(&$0.pending) }
    }

    private static func write(_ bytes: inout [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The same local-time ISO 8601 form as swift-log's `StreamLogHandler`.
    private static func timestamp(_ t: time_t) -> String {
        var t = t
        var parts = tm()
        localtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A swift-log handler writing `<time> <level> <label>: <message> <metadata>` lines through a `BatchedStandardError`.
struct BatchedLogHandler: LogHandler {
    let label: String
    let sink: BatchedStandardError
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        var all = metadata
        if let explicit { all.merge(explicit) { $1 } }
        var text = "\(message)"
        if !all.isEmpty {
            text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        sink.append(label: label, level: level, text: text, urgent: level >= .warning)
    }
}
