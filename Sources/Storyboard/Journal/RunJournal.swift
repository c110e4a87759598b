import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line of the run journal.
public struct JournalRecord: Sendable, Codable, Equatable {
    /// `submitting`, `submitted`, `downloaded`, `completed` or `resubmit`.
    public var event: String
    /// The shot id.
    public var shot: String
    /// The shot's fingerprint when the record was written.
    public var fingerprint: String?
    /// The request id (`submitted`).
    public var requestID: String?
    /// The status URL (`submitted`).
    public var statusURL: String?
    /// The result URL (`submitted`).
    public var responseURL: String?
    /// The downloaded file, relative to the out folder (`downloaded`).
    public var file: String?
    /// The cost reported by the service, in US dollars (`downloaded`).
    public var costUSD: Double?
    /// Seconds since 1970 when written.
    public var time: Double

    /// Creates a record stamped now.
    public init(
        event: String, shot: String, fingerprint: String? = nil, requestID: String? = nil, statusURL: String? = nil, responseURL: String? = nil,
        file: String? = nil, costUSD: Double? = nil
    ) {
        self.event = event
        self.shot = shot
        self.fingerprint = fingerprint
        self.requestID = requestID
        self.statusURL = statusURL
        self.responseURL = responseURL
        self.file = file
        self.costUSD = costUSD
        self.time = Date().timeIntervalSince1970
    }
}

/// What the journal says about one shot.
public struct JournalShotState: Sendable, Equatable {
    /// The fingerprint of the shot when its work started.
    public var fingerprint: String?
    /// A `submitting` intent was written.
    public var intent = false
    /// The request, once its id is on disk.
    public var requestID: String?
    /// The status URL.
    public var statusURL: String?
    /// The result URL.
    public var responseURL: String?
    /// The downloaded file (relative to the out folder).
    public var file: String?
    /// The cost the service reported.
    public var costUSD: Double?
    /// The shot is done (downloaded, verified, frames extracted).
    public var completed = false

    /// A submit was started whose request id never reached the journal.
    public var outcomeUnknown: Bool { intent && requestID == nil }
}

/// The run journal: an append-only JSON-lines file in the out folder. Every record is written with one `write`
/// and flushed to disk (`fsync`) before the call returns. A torn last line (a crash mid-write) is ignored on reading.
public final class RunJournal: @unchecked Sendable {
    /// The journal's path.
    public let path: String
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating if needed) the journal at `path`.
    ///
    /// - Throws: `StoryboardError.journal` when it cannot be opened.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoryboardError.journal(path: path, message: "cannot open for appending (\(String(cString: strerror(errno))))") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends one record and flushes it to disk.
    ///
    /// - Throws: `StoryboardError.journal` when the write or the flush fails.
    public func append(_ record: JournalRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(0x0a)
        try lock.withLock {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else {
                throw StoryboardError.journal(path: path, message: "write failed (\(String(cString: strerror(errno))))")
            }
            guard fsync(fd) == 0 else { throw StoryboardError.journal(path: path, message: "fsync failed (\(String(cString: strerror(errno))))") }
        }
    }

    /// Reads every complete record of the journal at `path` (none when the file does not exist).
    ///
    /// - Throws: `StoryboardError.journal` when a line other than a torn last one does not parse.
    public static func read(_ path: String) throws -> [JournalRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = data.split(separator: 0x0a, omittingEmptySubsequences: false)
        let torn = data.last != 0x0a
        if torn || lines.last?.isEmpty == true { lines.removeLast() }
        var records: [JournalRecord] = []
        for (i, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try JSONDecoder().decode(JournalRecord.self, from: Data(line)))
            } catch {
                throw StoryboardError.journal(path: path, message: "line \(i + 1) is not a journal record")
            }
        }
        return records
    }

    /// Folds records into the state of each shot (`resubmit` starts a shot afresh).
    public static func states(_ records: [JournalRecord]) -> [String: JournalShotState] {
        var states: [String: JournalShotState] = [:]
        for r in records {
            var s = states[r.shot] ?? JournalShotState()
            switch r.event {
            case "resubmit": s = JournalShotState()
            case "submitting":
                s.intent = true
                s.fingerprint = r.fingerprint ?? s.fingerprint
            case "submitted":
                s.requestID = r.requestID
                s.statusURL = r.statusURL
                s.responseURL = r.responseURL
            case "downloaded":
                s.file = r.file
                s.costUSD = r.costUSD
            case "completed": s.completed = true
            default: break
            }
            states[r.shot] = s
        }
        return states
    }
}
