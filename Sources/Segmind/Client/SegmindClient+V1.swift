import Foundation

extension SegmindClient {
    // MARK: v1

    /// Runs a request synchronously (`POST /v1/<slug>`), writing the media the server answers with to `destination`.
    ///
    /// A JSON answer is read as a result body and its output downloaded. Retried only when surely not accepted.
    public func runSync(_ request: ValidatedRequest, to destination: URL) async throws -> GenerationOutcome {
        let slug = request.model.slug
        let url = "\(configuration.baseURL)/v1/\(slug)"
        let response = try await post(request, version: "v1", timeout: .seconds(max(request.model.deadlineSeconds, 60)))
        let accounting = Accounting(headers: response.headers)
        switch response.status {
        case 200..<300:
            let type = response.headers["content-type"]?.lowercased() ?? ""
            if type.contains("json") {
                let data: Data
                do { data = try await response.body.collect() } catch {
                    throw SegmindError.transport(message: redact("v1 answer cut short: \(error)"), requestID: accounting.requestID)
                }
                guard let json = JSONValue.parse(data) else {
                    throw SegmindError.malformedResponse(message: "v1 answered JSON that does not parse", requestID: accounting.requestID)
                }
                let result = GenerationResult(requestID: accounting.requestID ?? json["request_id"]?.stringValue ?? "v1", body: json)
                if result.state == .failed {
                    throw SegmindError.jobFailed(requestID: result.requestID, message: redact(json["error"]?.stringValue ?? "no reason given"))
                }
                let file = try await download(result, to: destination, expecting: request.model.returns)
                var merged = result.accounting
                merged.cost = merged.cost ?? accounting.cost
                merged.remainingCredits = merged.remainingCredits ?? accounting.remainingCredits
                merged.seed = merged.seed ?? accounting.seed
                return GenerationOutcome(job: nil, result: result, file: file, accounting: merged)
            }
            let file = try await writeBody(
                response, from: url, to: destination, expecting: request.model.returns, requestID: accounting.requestID)
            return GenerationOutcome(job: nil, result: nil, file: file, accounting: accounting)
        case 422:
            let data = (try? await response.body.collect()) ?? Data()
            let e = httpError(response, data, requestID: accounting.requestID)
            throw SegmindError.jobFailed(requestID: e.error.requestID ?? "unknown", message: e.message)
        case 500...599:
            let data = (try? await response.body.collect()) ?? Data()
            let e = httpError(response, data, requestID: accounting.requestID)
            throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status) after the body was sent: \(e.message)"))
        default:
            let data = (try? await response.body.collect()) ?? Data()
            throw httpError(response, data, requestID: accounting.requestID).error
        }
    }
}
