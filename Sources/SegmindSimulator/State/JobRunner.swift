import AsyncHTTPClient
import Foundation
import WorkThreads

/// Runs one accepted job off the server's event loops: once the job is PROCESSING (a third of the latency after the
/// submit, as Segmind fetches while the job runs), fetches every input URL, renders the output, stores it.
struct JobRunner: Sendable {
    let state: SimulatorState
    let fetcher: InputFetcher
    let renderer: MediaRenderer

    /// Does the work and records the outcome; `forcedFailure` ends the job FAILED with that message.
    func run(_ record: JobRecord, forcedFailure: String?) async -> JobOutcome {
        let start = ContinuousClock.now
        let outcome: JobOutcome
        if let forcedFailure {
            outcome = .failed(forcedFailure)
        } else {
            do {
                outcome = .completed(try await work(record))
            } catch {
                outcome = .failed(error.message)
            }
        }
        let workSeconds = (ContinuousClock.now - start).seconds
        // The outcome (and a FAILED job's refund) becomes visible only once the configured latency has passed.
        let deadline = record.submittedAt + .seconds(state.configuration.latency)
        if ContinuousClock.now < deadline {
            try? await Task.sleep(until: deadline, clock: .continuous)
        }
        await state.finish(record.id, outcome: outcome, workSeconds: workSeconds)
        return outcome
    }

    private func work(_ record: JobRecord) async throws(InputProblem) -> OutputFile {
        let request = record.request
        var inputs: [String: InputMedia] = [:]
        let limits = request.model.spec.inputLimits
        if !request.inputURLs.isEmpty {
            // Nothing is fetched while the job is QUEUED: a URL that dies right after the submit fails the job.
            let processing = record.submittedAt + .seconds(state.configuration.latency / 3)
            if ContinuousClock.now < processing {
                do {
                    try await Task.sleep(until: processing, clock: .continuous)
                } catch {
                    throw InputProblem(message: "the job was cancelled before its inputs were fetched")
                }
            }
        }
        for input in request.inputURLs {
            let maxBytes = input.isVideo ? limits.video?.maxBytes : limits.image?.maxBytes
            do {
                inputs[input.parameter] = try await fetcher.fetch(
                    input.url, parameter: input.parameter, expectVideo: input.isVideo, maxBytes: maxBytes)
            } catch {
                await state.recordFailedFetch(FailedFetch(requestID: record.id, url: input.url, reason: error.message, time: Date()))
                throw error
            }
        }
        let job = RenderJob(
            id: record.id, request: request, inputs: inputs, scale: state.configuration.scale, defects: state.configuration.defects)
        let renderer = self.renderer
        return try await BlockingWork.run { () throws(InputProblem) in try renderer.render(job) }
    }
}

/// Everything a render needs: the validated request and the fetched inputs.
struct RenderJob: Sendable {
    var id: String
    var request: GenerationRequest
    /// Fetched media keyed by parameter name (`start_image_url`, `image_urls[0]`, ...).
    var inputs: [String: InputMedia]
    var scale: Double
    /// What to put into a rendered video.
    var defects = SimulatorDefects()
}
