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
    }

    /// Publishes `request`'s local inputs for as long as the job needs them, submits it and downloads the output to
    /// the shot's file.
    ///
    /// - Throws: `SegmindError` (after the submit, carrying the request id), `StoryboardError.journal`.
    func submit(_ request: ValidatedRequest, _ context: ShotContext) async throws -> Generated {
        let shot = context.shot
        let outcome = try await publisher.withPublishedInputs(of: request) { published in
            try context.journal.append(JournalRecord(event: "submitting", shot: shot.id, fingerprint: shot.fingerprint))
            try await context.crash(.afterIntent)
            return try await client.generate(
                published, to: URL(fileURLWithPath: context.path(context.file)), interval: context.options.pollInterval,
                onSubmitted: { job in
                    try await context.crash(.afterSubmitSent)
                    try context.journal.append(
                        JournalRecord(
                            event: "submitted", shot: shot.id, requestID: job.requestID, statusURL: job.statusURL, responseURL: job.responseURL))
                    try await context.crash(.afterRequestID)
                }, progress: context.poll)
        }
        return Generated(requestID: outcome.job?.requestID ?? "", costUSD: outcome.accounting.cost)
    }

    /// Waits for a request submitted by an earlier run and downloads its output to the shot's file.
    ///
    /// - Throws: `StoryboardError.expired` when the service no longer knows the request, else `SegmindError`.
    func resume(_ job: Job, _ context: ShotContext) async throws -> Generated {
        let result: GenerationResult
        do {
            result = try await client.wait(for: job, model: context.shot.model, interval: context.options.pollInterval, progress: context.poll)
        } catch SegmindError.notFound {
            throw StoryboardError.expired(shot: context.shot.id, requestID: job.requestID)
        }
        _ = try await client.download(result, to: URL(fileURLWithPath: context.path(context.file)), expecting: context.shot.model.returns)
        return Generated(requestID: job.requestID, costUSD: result.accounting.cost)
    }
}
