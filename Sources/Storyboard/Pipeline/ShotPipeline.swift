import Segmind
import WorkThreads

/// One shot's life, from what the journal says it needs to `DONE`: publish inputs and generate (or only wait for a
/// journaled request), journal the download, check and extract, journal completion. Each step is its own type; this
/// one only orders them and writes the journal records between them.
struct ShotPipeline {
    /// The generate step.
    var generation: ShotGeneration
    /// The check and extract step.
    var inspection = ShotInspection()

    /// Runs the shot from `action` on.
    ///
    /// - Parameters:
    ///   - action: what the journal says the shot needs.
    ///   - state: what the journal says about it (cost and request id of earlier steps).
    ///   - inputs: the earlier shots' pictures this shot may use.
    /// - Throws: `StoryboardError` naming the shot, or `SegmindError`; everything paid for is journaled first.
    func run(
        _ context: ShotContext, action: ShotAction, state: JournalShotState?, collect: [TakeState], inputs: InputPublication
    ) async throws -> ShotOutcome {
        let shot = context.shot
        try await collectEarlierTakes(collect, context)
        var cost = state?.costUSD
        var requestID = state?.requestID
        var generated: ShotGeneration.Generated?
        switch action {
        case .submit:
            context.event("SUBMITTING")
            generated = try await generation.submit(try inputs.request(for: shot), upstream: inputs.upstream, context)
        case .poll(let id, let status, let response):
            let job = Job(requestID: id, slug: shot.model.slug, statusURL: status, responseURL: response, submittedAt: nil)
            generated = try await generation.resume(job, published: Self.urls(in: state?.take?.sentBody), context)
        case .postProcess, .done:
            break
        }
        if let generated {
            cost = generated.costUSD
            requestID = generated.requestID
            try context.journal.append(
                JournalRecord(event: "downloaded", shot: shot.id, file: context.file, costUSD: cost, bytes: generated.bytes, take: context.take))
            try await context.crash(.afterDownload)
        }
        context.event("CHECKING")
        let (inspection, reference) = (self.inspection, inputs.colourReference)
        var outcome = try await BlockingWork.run { try inspection.inspect(context, reference: reference) }
        outcome.costUSD = cost
        outcome.requestID = requestID
        outcome.take = context.take
        if case .done = action {
        } else {
            try context.journal.append(JournalRecord(event: "completed", shot: shot.id, take: context.take))
            try await context.crash(.afterCompleted)
        }
        context.event("DONE")
        return outcome
    }

    /// Downloads earlier takes that were paid for but never fetched (a crash, or a new take started meanwhile), each to
    /// its own file, so no paid output is lost.
    private func collectEarlierTakes(_ takes: [TakeState], _ context: ShotContext) async throws {
        for take in takes {
            guard let id = take.requestID, let status = take.statusURL, let response = take.responseURL else { continue }
            let job = Job(requestID: id, slug: context.shot.model.slug, statusURL: status, responseURL: response, submittedAt: nil)
            let got = try await generation.resume(job, take: take.number, context)
            try context.journal.append(
                JournalRecord(
                    event: "downloaded", shot: context.shot.id, file: context.file(take: take.number), costUSD: got.costUSD, bytes: got.bytes,
                    take: take.number))
        }
    }

    /// The http(s) URLs a journaled request body named (strings and lists of strings).
    static func urls(in body: [String: JSONValue]?) -> [String] {
        (body ?? [:]).values.flatMap { value -> [String] in
            switch value {
            case .string(let s): return [s]
            case .array(let items): return items.compactMap(\.stringValue)
            default: return []
            }
        }.filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") }
    }
}
