import Foundation
import HTTPTypes
import Hummingbird
import SegmindCatalog

extension HTTPField.Name {
    static let apiKey = HTTPField.Name("x-api-key")!
    static let rateLimitReset = HTTPField.Name("x-rate-limit-reset-at-utc")!
    static let cost = HTTPField.Name("x-cost")!
    static let remainingCredits = HTTPField.Name("x-remaining-credits")!
    static let requestID = HTTPField.Name("x-request-id")!
    static let generationTime = HTTPField.Name("x-generation-time")!
    static let seedValue = HTTPField.Name("x-seed-value")!
}

extension Response {
    /// A JSON response.
    static func json(_ status: Int, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let buffer = ByteBuffer(string: value.jsonText)
        fields[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: buffer))
    }

    /// A 200 response carrying file bytes.
    static func bytes(_ data: Data, contentType: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        fields[.contentLength] = String(data.count)
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": message}` with a status.
    static func error(_ status: Int, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, ["error": .string(message)], headers: headers)
    }

    /// The gateway's HTML page for a wrong method.
    static func methodNotAllowed(allowed: String) -> Response {
        let html =
            "<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n"
            + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        let buffer = ByteBuffer(string: html)
        var fields: HTTPFields = [:]
        fields[.contentType] = "text/html"
        fields[.allow] = allowed
        fields[.contentLength] = String(buffer.readableBytes)
        return Response(status: .methodNotAllowed, headers: fields, body: ResponseBody(byteBuffer: buffer))
    }
}

/// Dollars from thousandths, as a JSON number.
func dollars(_ millis: Int) -> JSONValue { .number(Double(millis) / 1000) }

/// Dollars from thousandths, as header text (`0.912`).
func dollarText(_ millis: Int) -> String { "\(Double(millis) / 1000)" }

/// Seconds rounded to milliseconds.
func roundedSeconds(_ s: Double) -> Double { (s * 1000).rounded() / 1000 }

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
