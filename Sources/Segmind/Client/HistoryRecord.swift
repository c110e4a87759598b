import Foundation

/// One row of the account's request history, decoded leniently: every typed field is nil when the row lacks it
/// or holds something unexpected there (unknown, never a match), and the row itself is kept in `raw`.
public struct HistoryRecord: Sendable, Equatable, Codable {
    /// The request id (`request_id`).
    public var requestID: String?
    /// The model (`model_name`).
    public var modelName: String?
    /// The state (`model_status` or `status`; PENDING reads as queued).
    public var status: JobState?
    /// What the request cost in US dollars (`credits_deduction`).
    public var costUSD: Double?
    /// The inputs as sent (`request_body`, an object or a string holding one).
    public var requestBody: [String: JSONValue]?
    /// The output (`generation_url`).
    public var generationURL: String?
    /// The time the request took, in milliseconds (`latency_ms`).
    public var latencyMS: Double?
    /// When the request was made, in seconds since 1970 (`created_at` and similar, ISO 8601 or epoch seconds or milliseconds).
    public var createdAt: Double?
    /// The service's reason, for a failure (`error`).
    public var error: String?
    /// The row as the service sent it.
    public var raw: JSONValue

    /// The keys a creation time may come under, in order of preference.
    static let createdKeys = ["created_at", "createdAt", "model_created", "created", "timestamp", "updated_at", "updatedAt"]

    /// Decodes one row.
    public init(raw: JSONValue) {
        self.raw = raw
        requestID = Self.text(raw["request_id"] ?? raw["requestId"] ?? raw["id"])
        modelName = Self.text(raw["model_name"] ?? raw["model"])
        status = Self.text(raw["model_status"] ?? raw["status"]).map(JobState.init(wire:))
        costUSD = Self.number(raw["credits_deduction"] ?? raw["cost"])
        switch raw["request_body"] {
        case .object(let o)?: requestBody = o
        case .string(let s)?:
            if case .object(let o)? = JSONValue.parse(s) { requestBody = o }
        default: break
        }
        generationURL = Self.text(raw["generation_url"] ?? raw["output_url"])
        latencyMS = Self.number(raw["latency_ms"] ?? raw["latency"])
        createdAt = Self.createdKeys.lazy.compactMap { Self.time(raw[$0]) }.first
        error = Self.text(raw["error"] ?? raw["error_message"])
    }

    /// True only when the row's `request_body` is present and equal to `body`; a row without one never matches.
    public func matchesSent(_ body: [String: JSONValue]) -> Bool {
        guard let requestBody else { return false }
        return requestBody == body
    }

    /// The rows of a list answer: a bare list, or the list under `data`, `items`, `results`, `rows` or `history`
    /// (also one level down, as in `{"data": {"items": [...]}}`); nil when there is none.
    static func rows(in body: JSONValue) -> [JSONValue]? {
        if let list = body.arrayValue { return list }
        for key in ["data", "items", "results", "rows", "history"] {
            guard let inner = body[key] else { continue }
            if let list = inner.arrayValue { return list }
            if case .object = inner, let list = rows(in: inner) { return list }
        }
        return nil
    }

    /// The row of a single-id answer: the row itself or the row under `data`; nil when the answer holds none.
    static func row(in body: JSONValue) -> JSONValue? {
        switch body["data"] {
        case .object?: return body["data"]
        case .array(let list)?: return list.first
        case .null?: return nil
        default: break
        }
        guard case .object(let o) = body, !o.isEmpty else { return nil }
        return body
    }

    /// `records` with later rows of the same request id left out (a request with several outputs has a row for each).
    static func unique(_ records: [HistoryRecord]) -> [HistoryRecord] {
        var seen = Set<String>()
        return records.filter { record in
            guard let id = record.requestID else { return true }
            return seen.insert(id).inserted
        }
    }

    private static func text(_ value: JSONValue?) -> String? {
        guard case .string(let s)? = value, !s.isEmpty else { return nil }
        return s
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let n)? where n.isFinite: return n
        case .string(let s)?: return Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    private static func time(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let n)? where n.isFinite && n > 0: return n > 1e12 ? n / 1000 : n
        case .string(let s)?: return RetryPolicy.parseTime(s.replacingOccurrences(of: " ", with: "T"))
        default: return nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case modelName = "model_name"
        case status
        case costUSD = "cost_usd"
        case requestBody = "request_body"
        case generationURL = "generation_url"
        case latencyMS = "latency_ms"
        case createdAt = "created_at"
        case error
        case raw
    }
}
