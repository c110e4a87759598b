import Foundation

/// The API key. Its `description` never shows the key, so it cannot leak through string interpolation.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret. Only the client's request builder reads it.
    let secret: String

    /// Wraps a key (surrounding whitespace is removed).
    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var description: String { "[redacted API key]" }
    public var debugDescription: String { description }

    /// `text` with every occurrence of the key replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        guard secret.count >= 4 else { return text }
        return text.replacingOccurrences(of: secret, with: "[REDACTED]")
    }
}

/// Where and how the client talks to Segmind.
public struct SegmindConfiguration: Sendable {
    /// The API host root without a trailing slash or version, such as `https://api.segmind.com`.
    public let baseURL: String
    /// The request-history host root, such as `https://api.spotprod.segmind.com` (the simulator's base URL in a simulated run).
    public let historyBaseURL: String
    /// The storage host root local inputs are uploaded to (`POST <storageBaseURL>/upload-asset`), such as
    /// `https://workflows-api.segmind.com`.
    public let storageBaseURL: String
    /// The key, sent as `x-api-key` to the API, history and storage hosts only.
    public let apiKey: APIKey
    /// Time limit for a submit (POST /v2).
    public var submitTimeout: Duration = .seconds(60)
    /// Time limit for a status or result GET.
    public var requestTimeout: Duration = .seconds(60)
    /// Time limit for an output download.
    public var downloadTimeout: Duration = .seconds(3600)
    /// Retry policy for GETs and for submits that surely were not accepted.
    public var retry: RetryPolicy = RetryPolicy()

    /// The default host.
    public static let defaultBaseURL = "https://api.segmind.com"
    /// The default request-history host.
    public static let defaultHistoryBaseURL = "https://api.spotprod.segmind.com"
    /// The default storage host.
    public static let defaultStorageBaseURL = "https://workflows-api.segmind.com"

    /// Creates a configuration from a base URL (a trailing `/v1` or `/v2` and slashes are stripped), a history base URL
    /// and a storage base URL.
    ///
    /// - Throws: `SegmindError.configuration` when a URL is not an absolute http(s) URL, or plain http to another machine.
    public init(
        baseURL: String = SegmindConfiguration.defaultBaseURL, historyBaseURL: String = SegmindConfiguration.defaultHistoryBaseURL,
        storageBaseURL: String = SegmindConfiguration.defaultStorageBaseURL, apiKey: APIKey
    ) throws {
        self.baseURL = try Self.normalise(baseURL)
        self.historyBaseURL = try Self.normalise(historyBaseURL, naming: "history")
        self.storageBaseURL = try Self.normalise(storageBaseURL, naming: "storage")
        self.apiKey = apiKey
    }

    /// `normalise(raw)` with `what` in front of its error message.
    static func normalise(_ raw: String, naming what: String) throws -> String {
        do { return try normalise(raw) } catch SegmindError.configuration(let m) { throw SegmindError.configuration(what + " " + m) }
    }

    /// Normalises a base URL: strips trailing slashes and a trailing `/v1` or `/v2`.
    public static func normalise(_ raw: String) throws -> String {
        var s = raw.trimmingCharacters(in: .whitespaces)
        while s.hasSuffix("/") { s.removeLast() }
        for suffix in ["/v1", "/v2"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        while s.hasSuffix("/") { s.removeLast() }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil
        else {
            throw SegmindError.configuration("base URL '\(raw)' is not an http(s) host root such as \(defaultBaseURL)")
        }
        // The API key travels in a header: over plain http only to this machine (a simulator, a local proxy).
        if scheme == "http" && !isLoopback(s) {
            throw SegmindError.configuration("base URL '\(raw)' is plain http to another machine; the API key would travel unencrypted: use https")
        }
        return s
    }

    /// Whether `url` names this machine (`localhost`, `127.x.x.x`, `::1`).
    public static func isLoopback(_ url: String) -> Bool {
        guard var host = URL(string: url)?.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1"
    }

    /// Reads the key from `apiKeyFile` when given, else from `SEGMIND_API_KEY`, the base URL from
    /// `baseURL`, else `SEGMIND_BASE_URL`, else the default, and the history base URL from `historyURL`, else
    /// `SEGMIND_HISTORY_URL`, else the default, and the storage base URL from `storageURL`, else `SEGMIND_STORAGE_URL`,
    /// else the default.
    ///
    /// - Throws: `SegmindError.configuration` naming the missing or unreadable source (never the key).
    public static func resolve(
        baseURL: String?, apiKeyFile: String?, environment: [String: String], historyURL: String? = nil, storageURL: String? = nil
    ) throws -> SegmindConfiguration {
        let key: String
        if let path = apiKeyFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SegmindError.configuration("--api-key-file \(path): cannot read the file")
            }
            key = String(decoding: data, as: UTF8.self)
        } else if let k = environment["SEGMIND_API_KEY"] {
            key = k
        } else {
            throw SegmindError.configuration("no API key: set SEGMIND_API_KEY or pass --api-key-file FILE")
        }
        let apiKey = APIKey(key)
        guard !apiKey.secret.isEmpty else {
            throw SegmindError.configuration(apiKeyFile.map { "--api-key-file \($0): the file is empty" } ?? "SEGMIND_API_KEY is empty")
        }
        return try SegmindConfiguration(
            baseURL: baseURL ?? environment["SEGMIND_BASE_URL"] ?? defaultBaseURL,
            historyBaseURL: historyURL ?? environment["SEGMIND_HISTORY_URL"] ?? defaultHistoryBaseURL,
            storageBaseURL: storageURL ?? environment["SEGMIND_STORAGE_URL"] ?? defaultStorageBaseURL, apiKey: apiKey)
    }
}

/// Time as the client sees it: injected so tests never wait real seconds.
public protocol SegmindClock: Sendable {
    /// Seconds since 1970.
    func now() -> Double
    /// Waits `seconds` (or throws `CancellationError`).
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemClock: SegmindClock {
    /// Creates the clock.
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async throws {
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}

/// How often and how long to retry.
public struct RetryPolicy: Sendable, Equatable {
    /// The most attempts for one request (the first one included).
    public var maxAttempts: Int
    /// The first backoff delay in seconds; doubled each attempt.
    public var baseDelay: Double
    /// The longest backoff delay in seconds.
    public var maxDelay: Double
    /// The longest wait for a rate-limit reset, in seconds.
    public var maxRateLimitWait: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRateLimitWait: Double = 300) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
    }

    /// The backoff before attempt `attempt + 1` (attempt counts from 1), with "full jitter" from `random` in [0, 1).
    public func backoff(afterAttempt attempt: Int, random: Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return ceiling / 2 + ceiling / 2 * random
    }

    /// The wait a 429 asks for: until `x-rate-limit-reset-at-utc`, or `Retry-After` seconds, when present.
    public func rateLimitWait(headers: [String: String], now: Double) -> Double? {
        if let retryAfter = headers["retry-after"], let s = Double(retryAfter.trimmingCharacters(in: .whitespaces)) {
            return min(maxRateLimitWait, max(0, s))
        }
        if let reset = headers["x-rate-limit-reset-at-utc"], let t = Self.parseTime(reset) {
            return min(maxRateLimitWait, max(0, t - now))
        }
        return nil
    }

    /// Parses a reset time: ISO 8601 (with or without fractional seconds or zone) or Unix seconds.
    static func parseTime(_ raw: String) -> Double? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if let n = Double(s) { return n > 1e12 ? n / 1000 : n }
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            iso.formatOptions = options
            if let d = iso.date(from: s) { return d.timeIntervalSince1970 }
            if let d = iso.date(from: s + "Z") { return d.timeIntervalSince1970 }
        }
        return nil
    }
}
