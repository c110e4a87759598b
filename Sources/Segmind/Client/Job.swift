import Foundation

/// A submitted v2 job: everything needed to poll and fetch it later, from the request id alone if need be.
public struct Job: Sendable, Equatable, Codable {
    /// The server's request id.
    public var requestID: String
    /// The model slug, when known (a job re-opened from its id alone has none).
    public var slug: String?
    /// Where to poll.
    public var statusURL: String
    /// Where to fetch the result.
    public var responseURL: String
    /// When the submit was accepted (seconds since 1970), when known.
    public var submittedAt: Double?

    /// Creates a job.
    public init(requestID: String, slug: String?, statusURL: String, responseURL: String, submittedAt: Double?) {
        self.requestID = requestID
        self.slug = slug
        self.statusURL = statusURL
        self.responseURL = responseURL
        self.submittedAt = submittedAt
    }

    /// Re-opens a job from its request id, with the URLs the service uses (`/v2/requests/<id>[/status]`).
    ///
    /// - Throws: `SegmindError.configuration` when the id holds characters that cannot be in a path segment.
    public static func reopen(requestID: String, baseURL: String) throws -> Job {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !requestID.isEmpty, requestID.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw SegmindError.configuration("request id '\(requestID)' is not valid (letters, digits, '-', '_' and '.' only)")
        }
        let root = try SegmindConfiguration.normalise(baseURL)
        return Job(
            requestID: requestID, slug: nil, statusURL: "\(root)/v2/requests/\(requestID)/status",
            responseURL: "\(root)/v2/requests/\(requestID)", submittedAt: nil)
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case slug
        case statusURL = "status_url"
        case responseURL = "response_url"
        case submittedAt = "submitted_at"
    }
}

/// The state of a v2 job.
public enum JobState: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Waiting for a worker.
    case queued
    /// A worker is on it.
    case processing
    /// Done; the result can be fetched.
    case completed
    /// Failed (the server's reason is in `JobStatus.error`).
    case failed
    /// A state this client does not know (kept as sent).
    case other(String)

    /// Reads the wire form ("QUEUED", ...).
    public init(wire: String) {
        switch wire.uppercased() {
        case "QUEUED", "PENDING": self = .queued
        case "PROCESSING", "IN_PROGRESS", "RUNNING": self = .processing
        case "COMPLETED", "SUCCEEDED": self = .completed
        case "FAILED", "ERROR": self = .failed
        default: self = .other(wire)
        }
    }

    /// The wire form.
    public var description: String {
        switch self {
        case .queued: return "QUEUED"
        case .processing: return "PROCESSING"
        case .completed: return "COMPLETED"
        case .failed: return "FAILED"
        case .other(let s): return s
        }
    }

    /// True for COMPLETED and FAILED.
    public var isTerminal: Bool { self == .completed || self == .failed }

    public init(from decoder: any Decoder) throws {
        self.init(wire: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// What one status poll said.
public struct JobStatus: Sendable, Equatable, Codable {
    /// The request id.
    public var requestID: String
    /// The state.
    public var state: JobState
    /// The server's error, for FAILED.
    public var error: String?
    /// The `metrics` object (inference_time, queue_time, cost, ...).
    public var metrics: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case state
        case error
        case metrics
    }
}

/// Accounting the service reports (v1 headers or v2 metrics).
public struct Accounting: Sendable, Equatable, Codable {
    /// The price of the job in credits/USD (`x-cost`, `metrics.cost`).
    public var cost: Double?
    /// Credits left (`x-remaining-credits`, `metrics.remaining_credits`).
    public var remainingCredits: Double?
    /// The request id (`x-request-id`).
    public var requestID: String?
    /// Generation time in seconds (`x-generation-time`, `metrics.inference_time`).
    public var generationTime: Double?
    /// The seed used (`x-seed-value`).
    public var seed: String?

    /// Creates accounting facts.
    public init(cost: Double? = nil, remainingCredits: Double? = nil, requestID: String? = nil, generationTime: Double? = nil, seed: String? = nil) {
        self.cost = cost
        self.remainingCredits = remainingCredits
        self.requestID = requestID
        self.generationTime = generationTime
        self.seed = seed
    }

    /// Reads the v1 accounting headers.
    public init(headers: [String: String]) {
        func number(_ k: String) -> Double? { headers[k].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        self.init(
            cost: number("x-cost"), remainingCredits: number("x-remaining-credits"), requestID: headers["x-request-id"],
            generationTime: number("x-generation-time"), seed: headers["x-seed-value"])
    }

    /// Reads a v2 `metrics` object.
    public init(metrics: [String: JSONValue], requestID: String?) {
        func number(_ k: String) -> Double? { metrics[k].flatMap(PriceRule.number) }
        self.init(
            cost: number("cost"), remainingCredits: number("remaining_credits"), requestID: requestID,
            generationTime: number("inference_time"), seed: metrics["seed"].map(RequestValidator.show))
    }

    enum CodingKeys: String, CodingKey {
        case cost
        case remainingCredits = "remaining_credits"
        case requestID = "request_id"
        case generationTime = "generation_time"
        case seed
    }
}

/// A completed job's result, decoded leniently, with the raw JSON kept.
public struct GenerationResult: Sendable, Equatable, Codable {
    /// The request id.
    public var requestID: String
    /// The state (COMPLETED for a usable result).
    public var state: JobState
    /// The output URLs found (`video.url`, `images[].url`, `output` as a string, a list or an object with `url`).
    public var outputURLs: [String]
    /// The `metrics` object.
    public var metrics: [String: JSONValue]
    /// The whole body as sent.
    public var raw: JSONValue

    /// Accounting from `metrics`.
    public var accounting: Accounting { Accounting(metrics: metrics, requestID: requestID) }

    /// Decodes a result body leniently.
    public init(requestID: String, body: JSONValue) {
        self.requestID = body["request_id"]?.stringValue ?? requestID
        self.state = body["status"]?.stringValue.map(JobState.init(wire:)) ?? .completed
        if case .object(let m)? = body["metrics"] { metrics = m } else { metrics = [:] }
        raw = body
        var urls: [String] = []
        func add(_ v: JSONValue?) {
            switch v {
            case .string(let s)? where s.hasPrefix("http://") || s.hasPrefix("https://") || s.hasPrefix("data:"):
                if !urls.contains(s) { urls.append(s) }
            case .array(let a)?: a.forEach { add($0) }
            case .object(let o)?:
                add(o["url"])
                if o["url"] == nil { add(o["video"]); add(o["images"]); add(o["image"]) }
            default: break
            }
        }
        add(body["video"])
        add(body["images"])
        add(body["image"])
        add(body["output"])
        if case .string(let s)? = body["output"], let nested = JSONValue.parse(s) { add(nested) }
        outputURLs = urls
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case state
        case outputURLs = "output_urls"
        case metrics
        case raw
    }
}

/// Progress of a job being waited for.
public struct JobProgress: Sendable, Equatable {
    /// The request id.
    public var requestID: String
    /// The last state seen.
    public var state: JobState
    /// Seconds since waiting began (or since submission, when known).
    public var elapsedSeconds: Double
    /// The model's typical latency, when known.
    public var expectedSeconds: Double?
}
