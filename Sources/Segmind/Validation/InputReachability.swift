import Foundation
import MediaFormat

/// Fetches a request's input URLs the way the service will, before any money is spent: a URL the service cannot
/// fetch (a 404, an HTML login page, a file over the model's limit, bytes that are not media) fails the job only
/// after it was paid for.
///
/// Each URL is fetched with a GET that carries no credentials, following at most `RedirectPolicy.maxHops` redirects
/// (the transport does), within `timeout`, reading only the first `sniffBytes` of the body.
public struct InputReachability: Sendable {
    /// The network (the transport follows redirects with `RedirectPolicy`).
    public let transport: any HTTPTransport
    /// The time limit for one URL.
    public let timeout: Duration
    /// How much of each body is read.
    public static let sniffBytes = 64 << 10

    /// Creates a checker.
    public init(transport: any HTTPTransport, timeout: Duration = .seconds(10)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Checks every image or video URL in `request`'s body that is not in `ownURLs` (URLs this run published
    /// itself) and not a `data:` URI.
    ///
    /// - Throws: `SegmindError.invalidRequest` with one issue per unusable URL, naming the parameter (`image_urls[1]`
    ///   for a list item), the URL and what was wrong.
    public func check(_ request: ValidatedRequest, ownURLs: Set<String> = []) async throws {
        var issues: [ValidationIssue] = []
        for (parameter, url, media) in Self.inputURLs(of: request) where !url.hasPrefix("data:") && !ownURLs.contains(url) {
            if let problem = await problem(url, media: media, limits: request.model.inputLimits) {
                issues.append(ValidationIssue(parameter: parameter, message: "\(url): \(problem)"))
            }
        }
        if !issues.isEmpty { throw SegmindError.invalidRequest(slug: request.model.slug, issues: issues) }
    }

    /// As `check(_:ownURLs:)` for the URL inputs `parameters` gives `model` (the other parameters are ignored): for a
    /// plan whose later shots' requests are not complete yet.
    ///
    /// - Throws: `SegmindError.invalidRequest` naming each unusable URL.
    public func check(model: ModelSpec, parameters: [String: JSONValue]) async throws {
        try await check(ValidatedRequest(model: model, body: parameters, localInputs: [], estimatedUSD: nil))
    }

    /// The image and video URLs in the body: (parameter name, URL, "image" or "video").
    static func inputURLs(of request: ValidatedRequest) -> [(String, String, String)] {
        request.model.parameters.flatMap { spec -> [(String, String, String)] in
            guard spec.type == .url || spec.type == .urlList, let media = spec.media, media == "image" || media == "video" else { return [] }
            switch request.body[spec.name] {
            case .string(let s)?: return [(spec.name, s, media)]
            case .array(let items)?:
                return items.enumerated().compactMap { i, item in item.stringValue.map { ("\(spec.name)[\(i)]", $0, media) } }
            default: return []
            }
        }
    }

    /// What is wrong with `url` as an input of kind `media`, or nil when it is fine.
    func problem(_ url: String, media: String, limits: InputLimits) async -> String? {
        let response: TransportResponse
        do {
            response = try await transport.execute(
                TransportRequest(method: "GET", url: url, headers: [("accept", "*/*"), ("user-agent", "shotchain/0.1")]), timeout: timeout)
        } catch {
            return "cannot be fetched: \(error)"
        }
        guard response.status == 200 else { return "answered HTTP \(response.status), not 200" }
        var head: [UInt8] = []
        do {
            while head.count < Self.sniffBytes, let chunk = try await response.body.next() { head += chunk }
        } catch {
            return "the body could not be read: \(error)"
        }
        return Self.problem(headers: response.headers, head: head, media: media, limits: limits)
    }

    /// What is wrong with an answer whose headers are `headers` and whose body starts with `head`, or nil.
    static func problem(headers: [String: String], head: [UInt8], media: String, limits: InputLimits) -> String? {
        let kind = ContainerKind(sniffing: head.prefix(ContainerKind.sniffLength))
        let type = (headers["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let typeIsMedia = type.hasPrefix("image/") || type.hasPrefix("video/")
        guard typeIsMedia || (type == "application/octet-stream" && kind != nil) else {
            return "content type '\(type.isEmpty ? "none" : type)' is not an image or video"
        }
        let maxBytes = media == "image" ? limits.image?.maxBytes : limits.video?.maxBytes
        if let raw = headers["content-length"], let length = Int64(raw.trimmingCharacters(in: .whitespaces)), let maxBytes, length > maxBytes {
            return "size \(length) bytes (content-length) is over the model's limit of \(maxBytes) bytes"
        }
        guard let kind, kind.isImage == (media == "image") else {
            let found = kind.map { "a \($0.rawValue) file" } ?? "no known media format"
            return "not \(media == "image" ? "an image" : "a video"): the first bytes are \(found)"
        }
        let formats = media == "image" ? limits.image?.formats : limits.video?.formats
        if let formats, !formats.contains(kind.rawValue) {
            return "is \(kind.rawValue); the model accepts \(formats.joined(separator: ", "))"
        }
        return nil
    }
}
