import Foundation

extension SegmindClient {
    // MARK: Storage uploads

    /// Uploads `bytes` to Segmind storage (`POST <storageBaseURL>/upload-asset` with one data URL, as Segmind's Python
    /// SDK does) and returns the URL the service can fetch them from.
    ///
    /// The upload is free, so transport failures and 5xx answers are retried with the retry policy, and a 429 waits
    /// for the rate-limit reset like every other request.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - mime: its MIME type, such as `image/png`.
    /// - Throws: `SegmindError.http` for a refusal, `malformedResponse` for a 2xx answer without an absolute http(s)
    ///   URL in `file_urls` or `urls`, `transport` when every attempt failed to connect.
    public func uploadAsset(_ bytes: Data, mime: String) async throws -> String {
        let url = "\(configuration.storageBaseURL)/upload-asset"
        var headers = headers(for: url, json: true).filter { $0.0 != "accept" }
        headers.insert(("accept", "application/json, text/plain, */*"), at: 0)
        var body = Data(#"{"data_urls":["data:\#(mime);base64,"#.utf8)
        body.append(bytes.base64EncodedData())
        body.append(contentsOf: Array(#""]}"#.utf8))
        let request = TransportRequest(method: "POST", url: url, headers: headers, body: body)
        let (response, data) = try await send(request, timeout: configuration.downloadTimeout, requestID: nil)
        guard (200..<300).contains(response.status) else { throw httpError(response, data, requestID: nil).error }
        let json = JSONValue.parse(data)
        let urls = json?["file_urls"]?.arrayValue ?? json?["urls"]?.arrayValue ?? []
        guard let first = urls.first?.stringValue else {
            let text = redact(String(decoding: data.prefix(200), as: UTF8.self))
            throw SegmindError.malformedResponse(
                message: "storage upload answered \(response.status) without file_urls or urls: \(text)", requestID: nil)
        }
        if first.hasPrefix("data:") || URLCheck.problem(first) != nil {
            throw SegmindError.malformedResponse(
                message: "storage upload answered a URL that is not absolute http(s): '\(first.prefix(200))'", requestID: nil)
        }
        return first
    }
}
