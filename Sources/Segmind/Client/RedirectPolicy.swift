import Foundation

/// How the client follows a redirect: at most 5 hops, never from https to http, and the API key (and any other
/// credential) only to the origin it was meant for. AsyncHTTPClient's own redirect handling strips `Authorization`
/// and cookies on a cross-origin hop but not `x-api-key`, so the transport follows redirects itself with this.
public enum RedirectPolicy {
    /// The most hops followed for one request.
    public static let maxHops = 5

    /// Headers that carry credentials and go only to the request's own origin.
    static let credentials: Set<String> = ["x-api-key", "authorization", "cookie", "proxy-authorization"]

    /// The request to send after `request` was answered `status` with `Location: location`, or nil when the answer
    /// is not a redirect to follow (it is then the response): not a redirect status, no usable location, or a hop
    /// from https to http.
    public static func next(after request: TransportRequest, status: Int, location: String?) -> TransportRequest? {
        guard [301, 302, 303, 307, 308].contains(status), let location, let base = URL(string: request.url),
            let target = URL(string: location, relativeTo: base)?.absoluteURL, let scheme = target.scheme?.lowercased(),
            scheme == "http" || scheme == "https", target.host?.isEmpty == false
        else { return nil }
        if base.scheme?.lowercased() == "https" && scheme == "http" { return nil }
        var next = request
        next.url = target.absoluteString
        if !sameOrigin(base, target) { next.headers.removeAll { credentials.contains($0.0.lowercased()) } }
        if status == 303 || ((status == 301 || status == 302) && request.method == "POST") {
            next.method = "GET"
            next.body = nil
            next.headers.removeAll { ["content-type", "content-length"].contains($0.0.lowercased()) }
        }
        return next
    }

    /// Whether `a` and `b` have the same scheme, host and port (default ports filled in).
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ u: URL) -> Int? { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : u.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }
}
