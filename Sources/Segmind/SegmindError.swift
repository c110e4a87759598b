/// One problem found while validating a request, naming the parameter and what is allowed.
public struct ValidationIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The parameter (or input) the problem is about, such as `duration` or `image_urls[1]`.
    public var parameter: String
    /// What is wrong and what is allowed.
    public var message: String

    /// Creates an issue.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// "`parameter`: message".
    public var description: String { "\(parameter): \(message)" }
}

/// Everything that can go wrong in the Segmind module, with the context a user needs to act on it.
///
/// `description` is one line. The API key never appears in any case: the client redacts it from
/// every message it builds from server or transport text.
public enum SegmindError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model catalog could not be read (missing folder, malformed file).
    case catalog(path: String, message: String)
    /// No model with this slug is in the catalog.
    case unknownModel(slug: String, known: [String])
    /// The request was refused before any HTTP call; every problem found is listed.
    case invalidRequest(slug: String, issues: [ValidationIssue])
    /// A configuration value (base URL, API key, option) is unusable.
    case configuration(String)
    /// The service answered with an error status (400, 401, 403, 404, 405, 406, 410, 429, 5xx, ...).
    case http(status: Int, kind: HTTPFailureKind, message: String, requestID: String?)
    /// The job ran and FAILED (HTTP 422); `message` is the server's `error`.
    case jobFailed(requestID: String, message: String)
    /// The request id is unknown, or its record expired (records live one hour after submission).
    case notFound(requestID: String, message: String)
    /// The answer could not be understood (a 2xx submit without `request_id`, a body that is not JSON, ...).
    case malformedResponse(message: String, requestID: String?)
    /// The network failed (refused, reset, timed out) on a request that is safe to repeat.
    case transport(message: String, requestID: String?)
    /// A submit may or may not have been accepted (timeout or 5xx after the body was sent).
    /// It is never resent automatically: check the account's request history before trying again.
    case outcomeUnknown(slug: String, message: String)
    /// The job did not finish before the deadline; nothing is lost, the id can be polled later.
    case deadlineExceeded(requestID: String, lastStatus: String, waitedSeconds: Double)
    /// A download was cut short or did not match its announced size; no file was left behind.
    case incompleteDownload(url: String, expected: Int64?, received: Int64)
    /// A downloaded or local file is not the media the operation needs.
    case badMedia(path: String, message: String)
    /// A file could not be written.
    case output(path: String, message: String)

    /// The request id the error is about, when known.
    public var requestID: String? {
        switch self {
        case .http(_, _, _, let id), .malformedResponse(_, let id), .transport(_, let id): return id
        case .jobFailed(let id, _), .notFound(let id, _), .deadlineExceeded(let id, _, _): return id
        default: return nil
        }
    }

    /// The HTTP status, when the error came from one.
    public var status: Int? {
        switch self {
        case .http(let s, _, _, _): return s
        case .jobFailed: return 422
        case .notFound: return 404
        default: return nil
        }
    }

    /// True when the user's input is at fault (exit status 2 in the CLI).
    public var isBadInput: Bool {
        switch self {
        case .catalog, .unknownModel, .invalidRequest, .configuration, .badMedia: return true
        default: return false
        }
    }

    /// True when the outcome is pending rather than failed: a deadline passed or a submit may have been accepted.
    public var isPending: Bool {
        switch self {
        case .outcomeUnknown, .deadlineExceeded: return true
        default: return false
        }
    }

    public var description: String {
        func withID(_ text: String, _ id: String?) -> String {
            id.map { text + " (request \($0))" } ?? text
        }
        switch self {
        case .catalog(let p, let m): return "model catalog \(p): \(m)"
        case .unknownModel(let s, let known):
            return "unknown model '\(s)'; known models: \(known.joined(separator: ", "))"
        case .invalidRequest(let s, let issues):
            return "invalid request for \(s): " + issues.map(\.description).joined(separator: "; ")
        case .configuration(let m): return m
        case .http(let status, let kind, let m, let id):
            return withID("HTTP \(status) \(kind.summary): \(m)", id)
        case .jobFailed(let id, let m): return "job \(id) FAILED: \(m)"
        case .notFound(let id, let m):
            return "request \(id) not found or expired (records live 1 hour after submission): \(m)"
        case .malformedResponse(let m, let id): return withID("unexpected response: \(m)", id)
        case .transport(let m, let id): return withID("network error: \(m)", id)
        case .outcomeUnknown(let s, let m):
            return "submit to \(s) may have been accepted (\(m)); it was not resent. "
                + "Check your Segmind request history (https://cloud.segmind.com) before submitting again."
        case .deadlineExceeded(let id, let st, let w):
            return "request \(id) still \(st) after \(Int(w)) s; nothing is lost: run `shotchain status \(id)` "
                + "or `shotchain result \(id) -o FILE` later (within 1 hour of submission)"
        case .incompleteDownload(let u, let e, let r):
            return "download of \(u) incomplete: received \(r) bytes" + (e.map { " of \($0)" } ?? "")
                + "; no file was kept"
        case .badMedia(let p, let m): return "\(p): \(m)"
        case .output(let p, let m): return "\(p): cannot write output (\(m))"
        }
    }
}

/// What an HTTP error status means, per the Segmind error table.
public enum HTTPFailureKind: String, Sendable, Equatable, Codable {
    /// 400: bad parameters or body.
    case badRequest
    /// 401: missing or invalid API key.
    case unauthorized
    /// 403: the model is not allowed for this account.
    case forbidden
    /// 404: unknown model (on submit).
    case notFound
    /// 405: wrong method.
    case methodNotAllowed
    /// 406 "Insufficient credits".
    case insufficientCredits
    /// 406 "Invalid content type".
    case invalidContentType
    /// 410: the model is retired.
    case modelRetired
    /// 429: rate limited.
    case rateLimited
    /// 500, 502, 503, 504: server or gateway trouble.
    case serverError
    /// Any other status.
    case other

    /// Classifies a status and its message (406 is told apart by the message).
    public static func classify(status: Int, message: String) -> HTTPFailureKind {
        switch status {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 406: return message.lowercased().contains("credit") ? .insufficientCredits : .invalidContentType
        case 410: return .modelRetired
        case 429: return .rateLimited
        case 500...599: return .serverError
        default: return .other
        }
    }

    /// A few words for messages.
    public var summary: String {
        switch self {
        case .badRequest: return "bad request"
        case .unauthorized: return "missing or invalid API key"
        case .forbidden: return "model not allowed for this account"
        case .notFound: return "not found"
        case .methodNotAllowed: return "method not allowed"
        case .insufficientCredits: return "insufficient credits"
        case .invalidContentType: return "invalid content type"
        case .modelRetired: return "model retired"
        case .rateLimited: return "rate limited"
        case .serverError: return "server error"
        case .other: return "error"
        }
    }
}
