import Foundation

extension SegmindClient {
    // MARK: v2

    /// Submits a validated request (`POST /v2/<slug>`).
    ///
    /// Retried only when the request surely was not accepted (could not connect, or 429). A timeout or
    /// 5xx after the body was sent throws `outcomeUnknown` and is never resent.
    ///
    /// - Throws: `SegmindError` (`configuration` when local inputs are still unpublished).
    public func submit(_ request: ValidatedRequest) async throws -> Job {
        let slug = request.model.slug
        let response = try await post(request, version: "v2", timeout: configuration.submitTimeout)
        let data: Data
        do { data = try await response.body.collect() } catch {
            throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status), body cut short: \(error)"))
        }
        switch response.status {
        case 200..<300:
            guard case .object(let o)? = JSONValue.parse(data) else {
                throw SegmindError.malformedResponse(message: "submit answered \(response.status) without a JSON body", requestID: nil)
            }
            let id = o["request_id"]?.stringValue
            guard let id, let statusURL = o["status_url"]?.stringValue, let responseURL = o["response_url"]?.stringValue else {
                throw SegmindError.malformedResponse(
                    message: "submit answered \(response.status) without request_id, status_url and response_url; not polling",
                    requestID: id)
            }
            return Job(requestID: id, slug: slug, statusURL: statusURL, responseURL: responseURL, submittedAt: clock.now())
        case 500...599:
            let e = httpError(response, data, requestID: nil)
            throw SegmindError.outcomeUnknown(slug: slug, message: redact("HTTP \(response.status) after the body was sent: \(e.message)"))
        default:
            throw httpError(response, data, requestID: nil).error
        }
    }

    /// Polls once (`GET status_url`). A FAILED job (HTTP 422) is returned with its error, not thrown.
    ///
    /// - Throws: `SegmindError.notFound` for an unknown or expired id, other `SegmindError`s after retries.
    public func status(_ job: Job) async throws -> JobStatus {
        let (response, data) = try await get(job.statusURL, requestID: job.requestID)
        let body = JSONValue.parse(data)
        if response.status == 422 || (200..<300).contains(response.status) {
            guard case .object(let o)? = body, let state = o["status"]?.stringValue else {
                if response.status == 422 { throw httpError(response, data, requestID: job.requestID).error }
                throw SegmindError.malformedResponse(message: "status answer is not a JSON object with a status", requestID: job.requestID)
            }
            var metrics: [String: JSONValue] = [:]
            if case .object(let m)? = o["metrics"] { metrics = m }
            let jobState = response.status == 422 ? .failed : JobState(wire: state)
            return JobStatus(
                requestID: o["request_id"]?.stringValue ?? job.requestID, state: jobState,
                error: o["error"]?.stringValue.map(redact) ?? (jobState == .failed ? "no reason given" : nil), metrics: metrics)
        }
        throw failure(response, data, job: job)
    }

    /// Fetches the result (`GET response_url`).
    ///
    /// - Throws: `SegmindError.jobFailed` (422), `notFound` (404), other `SegmindError`s after retries.
    public func result(_ job: Job) async throws -> GenerationResult {
        let (response, data) = try await get(job.responseURL, requestID: job.requestID)
        if (200..<300).contains(response.status) {
            guard let body = JSONValue.parse(data), case .object = body else {
                throw SegmindError.malformedResponse(message: "result is not a JSON object", requestID: job.requestID)
            }
            return GenerationResult(requestID: job.requestID, body: body)
        }
        throw failure(response, data, job: job)
    }

    /// Polls until the job is COMPLETED, then fetches its result.
    ///
    /// - Parameters:
    ///   - deadline: seconds to wait (default: the model's `deadlineSeconds`, else 30 minutes).
    ///   - interval: seconds between polls (default: the model's, else 2).
    ///   - model: the catalog entry, for defaults and the expected time.
    ///   - progress: called after every poll.
    /// - Throws: `SegmindError.deadlineExceeded` with the request id when time runs out (nothing is lost),
    ///   `jobFailed`, `notFound`, or another `SegmindError`.
    public func wait(
        for job: Job, model: ModelSpec? = nil, deadline: Double? = nil, interval: Double? = nil,
        progress: (@Sendable (JobProgress) -> Void)? = nil
    ) async throws -> GenerationResult {
        let limit = deadline ?? model?.deadlineSeconds ?? 1800
        let pause = max(0.01, interval ?? model?.pollIntervalSeconds ?? 2)
        let start = clock.now()
        let origin = job.submittedAt ?? start
        var last = JobState.queued
        while true {
            let s = try await status(job)
            last = s.state
            progress?(
                JobProgress(
                    requestID: job.requestID, state: s.state, elapsedSeconds: clock.now() - origin, expectedSeconds: model?.typicalLatencySeconds))
            switch s.state {
            case .failed: throw SegmindError.jobFailed(requestID: job.requestID, message: s.error ?? "no reason given")
            case .completed:
                let r = try await result(job)
                if r.state == .completed || !r.outputURLs.isEmpty { return r }
                if r.state == .failed {
                    throw SegmindError.jobFailed(requestID: job.requestID, message: redact(r.raw["error"]?.stringValue ?? "no reason given"))
                }
            default: break
            }
            let waited = clock.now() - start
            if waited >= limit {
                throw SegmindError.deadlineExceeded(requestID: job.requestID, lastStatus: last.description, waitedSeconds: waited)
            }
            try await clock.sleep(seconds: min(pause, limit - waited))
        }
    }

    /// Submits, waits and downloads the first output to `destination`.
    ///
    /// A submit in flight is never interrupted: when the calling task is cancelled (a budget stop, a failing
    /// sibling), the submit still waits for the service's answer and `onSubmitted` still runs with the accepted job
    /// (so its id can be stored); only then does the cancellation stop the wait. A task cancelled before the submit
    /// starts sends nothing.
    /// - Parameters:
    ///   - onSubmitted: called with the job as soon as it is accepted (store the id there before polling).
    /// - Throws: `SegmindError`; after a submit, every error that loses nothing carries the request id;
    ///   `CancellationError` when cancelled (before sending, or after `onSubmitted`).
    public func generate(
        _ request: ValidatedRequest, to destination: URL, deadline: Double? = nil, interval: Double? = nil,
        onSubmitted: @escaping @Sendable (Job) async throws -> Void = { _ in }, progress: (@Sendable (JobProgress) -> Void)? = nil
    ) async throws -> GenerationOutcome {
        try Task.checkCancellation()
        // Unstructured tasks do not inherit the caller's cancellation: the submit and the callback run to the end.
        let client = self
        let job = try await Task { try await client.submit(request) }.value
        try await Task { try await onSubmitted(job) }.value
        try Task.checkCancellation()
        let result = try await wait(for: job, model: request.model, deadline: deadline, interval: interval, progress: progress)
        let file = try await download(result, to: destination, expecting: request.model.returns)
        return GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting)
    }

    /// Downloads a result's first output URL to `destination`.
    ///
    /// - Throws: `SegmindError.malformedResponse` when the result names no output URL, or a download error.
    public func download(_ result: GenerationResult, to destination: URL, expecting kind: OutputKind?) async throws -> DownloadedFile {
        guard let url = result.outputURLs.first else {
            throw SegmindError.malformedResponse(message: "the result names no output URL", requestID: result.requestID)
        }
        return try await download(url, to: destination, expecting: kind, requestID: result.requestID)
    }
}
