import Foundation

extension SegmindClient {
    // MARK: Request history

    /// The history path under `historyBaseURL`.
    static let historyPath = "/inference-request/request-history"

    /// One of the account's own requests, of any age (`GET <history>/inference-request/request-history/<id>`).
    ///
    /// Outlives the 1-hour v2 status record. Retried like the other GETs.
    /// - Returns: the row, or nil when the service does not know the id (404, or an answer without a row).
    /// - Throws: `SegmindError.configuration` for an id that cannot be a path segment, other `SegmindError`s after retries.
    public func history(requestID: String) async throws -> HistoryRecord? {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !requestID.isEmpty, requestID.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw SegmindError.configuration("request id '\(requestID)' is not valid (letters, digits, '-', '_' and '.' only)")
        }
        let (response, data) = try await get("\(configuration.historyBaseURL)\(Self.historyPath)/\(requestID)", requestID: requestID)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw httpError(response, data, requestID: requestID).error }
        guard let body = JSONValue.parse(data) else {
            throw SegmindError.malformedResponse(message: "request history answered \(response.status) without JSON", requestID: requestID)
        }
        guard let row = HistoryRecord.row(in: body) else { return nil }
        let record = redacted(HistoryRecord(raw: row))
        if let id = record.requestID, id != requestID {
            throw SegmindError.malformedResponse(message: "request history answered for request \(id)", requestID: requestID)
        }
        return record
    }

    /// One page of the account's request history, without repeated request ids.
    ///
    /// - Throws: `SegmindError.configuration` (before sending) for a query the service would refuse,
    ///   `malformedResponse` when the answer holds no list of rows, other `SegmindError`s after retries.
    public func history(_ query: HistoryQuery) async throws -> [HistoryRecord] {
        HistoryRecord.unique(try await historyPage(query))
    }

    /// Pages through the history from `query.page` until a page comes back with fewer than `query.perPage` rows,
    /// `pageLimit` pages were read, or `limit` distinct requests were found.
    ///
    /// - Returns: the rows in the order the service sent them, each request once, at most `limit` of them.
    /// - Throws: as ``history(_:)``.
    public func history(walking query: HistoryQuery, pageLimit: Int = 10, limit: Int? = nil) async throws -> [HistoryRecord] {
        var all: [HistoryRecord] = []
        var page = query
        for _ in 0..<max(1, pageLimit) {
            let rows = try await historyPage(page)
            all = HistoryRecord.unique(all + rows)
            if let limit, all.count >= limit { return Array(all.prefix(max(0, limit))) }
            if rows.count < page.perPage || page.page == Int.max { break }
            page.page += 1
        }
        return all
    }

    /// Downloads a request's output through its history row (from ``history(requestID:)``), for when the v2 record is gone.
    ///
    /// - Throws: `SegmindError.jobFailed` for a FAILED row, `deadlineExceeded` for one still in flight,
    ///   `malformedResponse` for a COMPLETED row without `generation_url`, or a download error.
    public func download(_ record: HistoryRecord, for job: Job, to destination: URL, expecting kind: OutputKind?) async throws -> GenerationOutcome {
        switch record.status {
        case .completed?:
            guard let url = record.generationURL else {
                throw SegmindError.malformedResponse(message: "the history row is COMPLETED but has no generation_url", requestID: job.requestID)
            }
            let file = try await download(url, to: destination, expecting: kind, requestID: job.requestID)
            let accounting = Accounting(cost: record.costUSD, requestID: job.requestID, generationTime: record.latencyMS.map { $0 / 1000 })
            return GenerationOutcome(job: job, result: nil, file: file, accounting: accounting)
        case .failed?:
            throw SegmindError.jobFailed(requestID: job.requestID, message: record.error ?? "no reason given")
        default:
            throw SegmindError.deadlineExceeded(requestID: job.requestID, lastStatus: record.status?.description ?? "unknown", waitedSeconds: 0)
        }
    }

    /// The rows of one page as sent (repeats included).
    func historyPage(_ query: HistoryQuery) async throws -> [HistoryRecord] {
        try query.validate()
        guard var components = URLComponents(string: configuration.historyBaseURL + Self.historyPath) else {
            throw SegmindError.configuration("history base URL '\(configuration.historyBaseURL)' is not usable")
        }
        components.queryItems = query.items
        // '+' would read as a space on the server.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.string else { throw SegmindError.configuration("history query cannot be encoded") }
        let (response, data) = try await get(url, requestID: nil)
        guard (200..<300).contains(response.status) else { throw httpError(response, data, requestID: nil).error }
        guard let body = JSONValue.parse(data), let rows = HistoryRecord.rows(in: body) else {
            throw SegmindError.malformedResponse(message: "request history answered \(response.status) without a list of rows", requestID: nil)
        }
        return rows.map { redacted(HistoryRecord(raw: $0)) }
    }

    /// `record` with the key removed from its error text.
    private func redacted(_ record: HistoryRecord) -> HistoryRecord {
        var copy = record
        copy.error = record.error.map(redact)
        return copy
    }
}
