import HTTPTypes
import Hummingbird
import Logging

/// The server's only route: `GET` and `HEAD` of `/f/<token>/<name>`, looked up in the publication table.
///
/// Request paths are never mapped onto the file system. A request is served only when its path is exactly
/// `/f/` + a published token + `/` + the name minted for that token (byte for byte, no decoding), so
/// traversal in any encoding simply finds nothing: 404.
struct FrameResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// Bytes read from disk per chunk when a file is streamed rather than held in memory.
    static let chunkSize = 256 * 1024
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let cacheControlValue = "private, no-transform, max-age=3600"

    let table: PublicationTable
    let accessLog: Logger?

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let accessLog else { return handle(request) }
        let started = ContinuousClock.now
        let response = handle(request)
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let length = response.headers[.contentLength] ?? "-"
        accessLog.info(
            "\(request.method.rawValue) \(AccessLogRedaction.redact(request.head.path ?? "")) \(response.status.code) \(length) \(micros)us"
        )
        return response
    }

    /// Answers one request; never throws, never shows a file system path.
    func handle(_ request: Request) -> Response {
        let method = request.method
        guard method == .get || method == .head else {
            var headers = HTTPFields()
            headers[.allow] = "GET, HEAD"
            return Self.textResponse(.methodNotAllowed, "method not allowed\n", headers: headers)
        }
        guard let target = request.head.path, target.utf8.first == UInt8(ascii: "/") else {
            return Self.textResponse(.badRequest, "bad request\n")
        }
        guard let publication = lookUp(target) else { return Self.notFound }

        // The file must still be exactly what was published.
        let size = publication.identity.size
        var file: ReadOnlyFile?
        if publication.contents != nil {
            guard FileIdentity.current(path: publication.resolvedPath) == publication.identity else { return Self.notFound }
        } else {
            // Open first, then check the open file, so what is checked is what is read.
            guard let opened = ReadOnlyFile(openingIfPossible: publication.resolvedPath),
                FileIdentity.current(descriptor: opened.descriptor) == publication.identity
            else { return Self.notFound }
            file = opened
        }

        var headers = HTTPFields()
        headers.reserveCapacity(9)
        headers[.eTag] = publication.entityTag
        headers[.lastModified] = publication.lastModified
        headers[.cacheControl] = Self.cacheControlValue

        if Self.notModified(request.headers, publication) {
            var response = Response(status: .notModified, headers: headers)
            response.headers[.contentLength] = nil  // a 304 has no body; don't claim one
            return response
        }
        headers[.contentType] = publication.kind.contentType
        headers[Self.contentTypeOptions] = "nosniff"
        headers[.acceptRanges] = "bytes"

        if method == .head {
            // Range is not defined for HEAD (RFC 9110 section 14.2), so HEAD always describes the whole file.
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers)
        }

        var rangeRequest = ByteRangeRequest(header: request.headers[.range], size: size)
        if rangeRequest != .whole, let ifRange = request.headers[.ifRange],
            ifRange != publication.entityTag && ifRange != publication.lastModified
        {
            rangeRequest = .whole
        }
        switch rangeRequest {
        case .whole:
            guard size > 0 else {
                headers[.contentLength] = "0"
                return Response(status: .ok, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: Self.body(publication, file, range: 0...(size - 1)))
        case .range(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            return Response(status: .partialContent, headers: headers, body: Self.body(publication, file, range: range))
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentType] = nil
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
    }

    /// The publication a request target names, or nil. The query string is ignored; nothing is decoded.
    func lookUp(_ target: String) -> Publication? {
        var path = Substring(target)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        guard path.hasPrefix("/f/") else { return nil }
        let rest = path.dropFirst(3)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let token = rest[..<slash]
        let name = rest[rest.index(after: slash)...]
        guard PublicationTable.isWellFormedToken(token), let publication = table.publication(token: token),
            name.utf8.elementsEqual(publication.name.utf8)
        else { return nil }
        return publication
    }

    /// Whether the conditional headers say the client's copy is current (If-None-Match first, as RFC 9110 orders it;
    /// If-Modified-Since is compared exactly, as nginx does by default).
    static func notModified(_ headers: HTTPFields, _ publication: Publication) -> Bool {
        if let ifNoneMatch = headers[.ifNoneMatch] {
            return ifNoneMatch.split(separator: ",").contains { candidate in
                var tag = Substring(candidate).trimmingASCIIWhitespace()
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
                return tag == publication.entityTag
            }
        }
        if let ifModifiedSince = headers[.ifModifiedSince] {
            return ifModifiedSince == publication.lastModified
        }
        return false
    }

    /// The body for a byte range of a publication: a slice of the in-memory copy, or a stream from the open file.
    static func body(_ publication: Publication, _ file: ReadOnlyFile?, range: ClosedRange<Int>) -> ResponseBody {
        if let contents = publication.contents {
            return ResponseBody(byteBuffer: contents.getSlice(at: range.lowerBound, length: range.count) ?? ByteBuffer())
        }
        guard let file else { return ResponseBody() }
        return ResponseBody(contentLength: range.count) { writer in
            var offset = range.lowerBound
            var remaining = range.count
            let allocator = ByteBufferAllocator()
            while remaining > 0 {
                var chunk = allocator.buffer(capacity: min(chunkSize, remaining))
                var failed = false
                chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: min(chunkSize, remaining)) { buffer in
                    let count = file.read(into: buffer, count: min(chunkSize, remaining), offset: offset)
                    if count <= 0 {
                        failed = true
                        return 0
                    }
                    return count
                }
                // The file shrank or failed under us: stop; the short body makes the client see a broken transfer.
                if failed { throw FrameServerError.changedWhileReading(path: publication.name) }
                offset += chunk.readableBytes
                remaining -= chunk.readableBytes
                try await writer.write(chunk)
            }
            try await writer.finish(nil)
        }
    }

    static var notFound: Response { textResponse(.notFound, "not found\n") }

    static func textResponse(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = HTTPFields()) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Access-log redaction: tokens never reach the log.
enum AccessLogRedaction {
    /// The request target with the query removed, every run of 16 or more hex digits replaced by `<token>`,
    /// and bytes outside printable ASCII percent-escaped; at most 256 bytes.
    static func redact(_ target: String) -> String {
        var path = Substring(target)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        var output = ""
        var hexRun = ""
        func flushRun() {
            output += hexRun.utf8.count >= 16 ? "<token>" : hexRun
            hexRun = ""
        }
        for byte in path.utf8.prefix(256) {
            let isHex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
            if isHex {
                hexRun.unicodeScalars.append(Unicode.Scalar(byte))
                continue
            }
            flushRun()
            if byte > 0x20 && byte < 0x7F {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        flushRun()
        if path.utf8.count > 256 { output += "..." }
        return output
    }
}
