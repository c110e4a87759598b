import Foundation

/// How a ``SegmindSimulator`` behaves: where it listens, how slow and unreliable it is, and its budget.
public struct SimulatorConfiguration: Sendable {
    /// The address to bind (default `127.0.0.1`).
    public var host: String
    /// The port to bind; 0 picks a free port (read it back from ``SegmindSimulator/baseURL``).
    public var port: Int
    /// Seconds from submit to a terminal state: QUEUED for the first third, PROCESSING after.
    /// Rendering time counts within it; a job never completes before its media is ready.
    public var latency: Double
    /// Injected faults (HTTP errors, dropped connections, FAILED jobs, truncated downloads).
    public var faults: FaultSpec
    /// Seed of every random decision (faults, seeds reported in `x-seed-value`).
    public var seed: UInt64
    /// The starting credit balance in dollars.
    public var credits: Double
    /// Seconds a request record (status and result) lives after submission.
    public var ttl: Double
    /// Factor applied to every rendered width and height (dimensions stay even), so tests can render small.
    public var scale: Double
    /// The only accepted `x-api-key`; nil accepts any non-empty key.
    public var apiKey: String?
    /// Seconds allowed for fetching one input URL (connection attempts are retried until then).
    public var inputTimeout: Double
    /// The folder of `<slug>.json` model files to serve; nil serves the catalog built into shotchain (`presets/models`).
    /// Adding a model there is adding a file.
    public var modelsDirectory: URL?
    /// The JSON shape `POST /upload-asset` answers with (default `file_urls`, the official SDK's).
    public var uploadAnswer: UploadAnswer
    /// The most decoded bytes one `POST /upload-asset` may carry (default 200 MB); more answers 413.
    public var maxUploadBytes: Int
    /// Colour drift, holds and faults put into rendered videos (none by default).
    public var defects = SimulatorDefects()

    /// Creates a configuration; every parameter has the default the `simulate` command uses.
    public init(
        host: String = "127.0.0.1", port: Int = 0, latency: Double = 0, faults: FaultSpec = FaultSpec(), seed: UInt64 = 1,
        credits: Double = 1000, ttl: Double = 3600, scale: Double = 1.0, apiKey: String? = nil, inputTimeout: Double = 30,
        modelsDirectory: URL? = nil,
        uploadAnswer: UploadAnswer = .fileURLs, maxUploadBytes: Int = 200 << 20
    ) {
        self.host = host
        self.port = port
        self.latency = latency
        self.faults = faults
        self.seed = seed
        self.credits = credits
        self.ttl = ttl
        self.scale = scale
        self.apiKey = apiKey
        self.inputTimeout = inputTimeout
        self.modelsDirectory = modelsDirectory
        self.uploadAnswer = uploadAnswer
        self.maxUploadBytes = maxUploadBytes
    }

    /// Checks every value, throwing ``SimulatorError/invalidConfiguration(_:)`` naming the bad one.
    public func validate() throws(SimulatorError) {
        guard port >= 0 && port <= 65535 else { throw .invalidConfiguration("--port \(port) is not between 0 and 65535") }
        guard latency >= 0 && latency.isFinite else { throw .invalidConfiguration("--latency \(latency) must be a non-negative number of seconds") }
        guard credits >= 0 && credits.isFinite else { throw .invalidConfiguration("--credits \(credits) must be non-negative") }
        guard ttl > 0 && ttl.isFinite else { throw .invalidConfiguration("--ttl \(ttl) must be a positive number of seconds") }
        guard scale > 0 && scale <= 4 else { throw .invalidConfiguration("--scale \(scale) must be above 0 and at most 4") }
        if let apiKey, apiKey.isEmpty { throw .invalidConfiguration("--api-key must not be empty") }
        guard inputTimeout > 0 && inputTimeout.isFinite else { throw .invalidConfiguration("input timeout \(inputTimeout) must be positive") }
        guard maxUploadBytes > 0 && maxUploadBytes <= 1 << 32 else {
            throw .invalidConfiguration("upload limit \(maxUploadBytes) must be between 1 byte and 4 GB")
        }
        guard !host.isEmpty else { throw .invalidConfiguration("--host must not be empty") }
        try defects.validate()
    }
}

/// Probabilities of injected faults, parsed from a string such as
/// `"500=0.05,502=0.05,504=0.02,429=0.05,drop=0.02,fail=0.05,truncate=0.02"`.
///
/// `500`, `502`, `504`, `429` and `drop` apply to every API request (a submit or a poll); at most one of them
/// happens to a request, so their sum must not exceed 1. `fail` is the share of accepted jobs that end FAILED.
/// `truncate` is the share of output downloads cut short.
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
    /// Probability of an HTTP 500.
    public var internalError: Double = 0
    /// Probability of an HTTP 502 (on a submit, possibly after the job was accepted).
    public var badGateway: Double = 0
    /// Probability of an HTTP 504 (on a submit, possibly after the job was accepted).
    public var gatewayTimeout: Double = 0
    /// Probability of an HTTP 429 with `x-rate-limit-reset-at-utc`.
    public var rateLimited: Double = 0
    /// Probability that the connection is closed without a response (on a submit, possibly after acceptance).
    public var drop: Double = 0
    /// Probability that an accepted job ends FAILED.
    public var fail: Double = 0
    /// Probability that an output download sends fewer bytes than its `Content-Length` and closes.
    public var truncate: Double = 0

    /// No faults.
    public init() {}

    /// Parses `key=probability` pairs separated by commas; keys are 500, 502, 504, 429, drop, fail, truncate.
    /// An empty string means no faults.
    public init(parsing text: String) throws(SimulatorError) {
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let p = Double(parts[1]), p >= 0, p <= 1 else {
                throw .invalidConfiguration("--faults: '\(item)' is not KEY=PROBABILITY with a probability from 0 to 1")
            }
            switch parts[0] {
            case "500": internalError = p
            case "502": badGateway = p
            case "504": gatewayTimeout = p
            case "429": rateLimited = p
            case "drop": drop = p
            case "fail": fail = p
            case "truncate": truncate = p
            default:
                throw .invalidConfiguration("--faults: unknown fault '\(parts[0])' (use 500, 502, 504, 429, drop, fail, truncate)")
            }
        }
        guard requestFaultTotal <= 1 + 1e-9 else {
            throw .invalidConfiguration("--faults: 500+502+504+429+drop add up to \(requestFaultTotal), more than 1")
        }
    }

    /// The summed probability of the per-request faults.
    var requestFaultTotal: Double { internalError + badGateway + gatewayTimeout + rateLimited + drop }

    /// The spec in the form ``init(parsing:)`` reads (zero entries left out).
    public var description: String {
        let pairs: [(String, Double)] = [
            ("500", internalError), ("502", badGateway), ("504", gatewayTimeout), ("429", rateLimited), ("drop", drop),
            ("fail", fail), ("truncate", truncate),
        ]
        return pairs.filter { $0.1 > 0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }
}
