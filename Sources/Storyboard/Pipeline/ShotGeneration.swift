import Foundation
import Segmind

/// The generate step of a shot: publish its inputs, journal the intent, submit (v2), journal the request id before
/// the first poll, wait, and download the output next to the journal. Or, for a shot journaled as submitted, only
/// the wait and the download: a journaled request is never submitted again.
struct ShotGeneration {
    /// The client.
    var client: SegmindClient
    /// How local inputs are made reachable for the service.
    var publisher: any LocalInputPublisher

    /// What a generation left on disk.
    struct Generated: Sendable {
        /// The request id.
        var requestID: String
        /// The cost the service reported.
        var costUSD: Double?
        /// The downloaded file's size in bytes.
        var bytes: Int64
    }

    /// Publishes `request`'s local inputs for as long as the job needs them, submits it and downloads the output to
    /// the shot's file. The inputs are withdrawn once the job is COMPLETED or FAILED (or the submit was refused); when
    /// the run stops with the job still queued, they stay published (a persistent frame server serves them again after
    /// a restart) and are withdrawn by the run that sees the job end.
    ///
    /// - Throws: `SegmindError` (after the submit, carrying the request id), `StoryboardError.journal`.
    func submit(_ request: ValidatedRequest, upstream: [String: String], _ context: ShotContext) async throws -> Generated {
        let shot = context.shot
        let accepted = AcceptedMark()
        let (published, urls) = try await publisher.publishInputs(of: request)
        do {
            let outcome = try await { () async throws -> GenerationOutcome in
                try context.journal.append(
                    JournalRecord(
                        event: "submitting", shot: shot.id, fingerprint: shot.fingerprint, take: context.take, upstream: upstream,
                        body: published.body))
                try await context.crash(.afterIntent)
                return try await client.generate(
                    published, to: URL(fileURLWithPath: context.path(context.file)), interval: context.options.pollInterval,
                    onSubmitted: { job in
                        accepted.set()
                        try await context.crash(.afterSubmitSent)
                        try context.journal.append(
                            JournalRecord(
                                event: "submitted", shot: shot.id, requestID: job.requestID, statusURL: job.statusURL, responseURL: job.responseURL,
                                take: context.take))
                        try await context.crash(.afterRequestID)
                    }, progress: context.poll)
            }()
            for url in urls { await publisher.unpublish(url) }
            let id = outcome.job?.requestID ?? ""
            return Generated(requestID: id, costUSD: await cost(outcome.accounting.cost, of: id), bytes: outcome.file.byteCount)
        } catch SegmindError.jobFailed(let id, let message) {
            for url in urls { await publisher.unpublish(url) }
            throw try await failed(id, message, take: context.take, context)
        } catch let error as SegmindError where !accepted.isSet {
            for url in urls { await publisher.unpublish(url) }
            // Refused before the service accepted it (a 4xx, a connection that never opened): nothing was paid, and
            // the journal says so, so the next run submits again without asking.
            if let status = Self.rejectionStatus(error) {
                try context.journal.append(
                    JournalRecord(
                        event: "rejected", shot: shot.id, status: status == 0 ? nil : status, message: error.description, take: context.take))
            }
            throw error
        }
    }

    /// The HTTP status of a submit the service surely did not accept (0 when no HTTP answer came), else nil.
    static func rejectionStatus(_ error: SegmindError) -> Int? {
        switch error {
        case .http(let status, _, _, nil) where (400..<500).contains(status) && status != 429: return status
        case .transport(_, nil), .invalidRequest, .configuration, .badMedia: return 0
        default: return nil
        }
    }

    /// Waits for a request submitted by an earlier run and downloads its output to take `take`'s file (the take in
    /// use unless given).
    ///
    /// - Throws: `StoryboardError.expired` when the service no longer knows the request (journaled), else
    ///   `SegmindError`.
    func resume(_ job: Job, take: Int? = nil, published: [String] = [], _ context: ShotContext) async throws -> Generated {
        let number = take ?? context.take
        let got: Generated
        do { got = try await fetch(job, take: number, context) } catch let error as StoryboardError {
            if case .jobFailed = error { for url in published { await publisher.unpublish(url) } }
            throw error
        }
        // The job is over: the inputs it was submitted with (still published by a persistent server) can go.
        for url in published { await publisher.unpublish(url) }
        return got
    }

    private func fetch(_ job: Job, take number: Int, _ context: ShotContext) async throws -> Generated {
        let destination = URL(fileURLWithPath: context.path(context.file(take: number)))
        let result: GenerationResult
        do {
            result = try await client.wait(for: job, model: context.shot.model, interval: context.options.pollInterval, progress: context.poll)
        } catch SegmindError.jobFailed(let id, let message) {
            throw try await failed(id, message, take: number, context)
        } catch SegmindError.notFound {
            // The status record is gone (they live an hour); the account's history outlives it.
            if let record = try? await client.history(requestID: job.requestID), record.status == .completed || record.status == .failed {
                context.event("DOWNLOADING")
                let got = try await client.download(record, for: job, to: destination, expecting: context.shot.model.returns)
                return Generated(requestID: job.requestID, costUSD: got.accounting.cost, bytes: got.file.byteCount)
            }
            try context.journal.append(JournalRecord(event: "expired", shot: context.shot.id, requestID: job.requestID, take: number))
            throw StoryboardError.expired(shot: context.shot.id, requestID: job.requestID)
        }
        let file = try await client.download(result, to: destination, expecting: context.shot.model.returns)
        return Generated(requestID: job.requestID, costUSD: await cost(result.accounting.cost, of: job.requestID), bytes: file.byteCount)
    }

    /// Journals take `take`'s FAILED job (with what the history says it cost) and returns the error to stop the shot.
    private func failed(_ id: String, _ message: String, take: Int, _ context: ShotContext) async throws -> StoryboardError {
        let cost = await cost(nil, of: id)
        try context.journal.append(JournalRecord(event: "failed", shot: context.shot.id, requestID: id, costUSD: cost, message: message, take: take))
        return StoryboardError.jobFailed(shot: context.shot.id, requestID: id, reason: message, costUSD: cost)
    }

    /// `reported`, else what the account's history says the request cost (`credits_deduction`), else nil.
    private func cost(_ reported: Double?, of requestID: String) async -> Double? {
        if let reported { return reported }
        return try? await client.history(requestID: requestID)?.costUSD
    }
}

/// Set once the service has accepted a submit (from `generate`'s callback, which may run on another task).
final class AcceptedMark: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Marks the submit as accepted.
    func set() { lock.withLock { value = true } }

    /// Whether the submit was accepted.
    var isSet: Bool { lock.withLock { value } }
}
