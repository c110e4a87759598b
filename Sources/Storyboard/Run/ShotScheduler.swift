/// Decides what runs when: a shot starts once every shot it depends on is done, at most `concurrency` at a time,
/// and never when submitting it could take the spent total over the budget. It knows nothing of what a shot does.
struct ShotScheduler {
    /// The plan.
    var plan: ChainPlan
    /// What the journal says each shot needs.
    var resume: ResumePlan
    /// Shots at the same time, at least 1.
    var concurrency: Int
    /// The budget in US dollars (nil: none).
    var maxCostUSD: Double?

    /// Runs every shot through `run` and returns their outcomes by shot id.
    ///
    /// - Parameter run: runs one shot, given its action and the pictures (absolute paths of last frames or images)
    ///   of the shots before it, by id.
    /// - Throws: `StoryboardError.budgetReached` before a submit that would exceed the budget, or what `run` throws.
    func run(
        _ run: @escaping @Sendable (PlannedShot, ShotAction, InputPublication) async throws -> ShotOutcome,
        pictures: @escaping (ShotOutcome) -> String,
        videos: @escaping (ShotOutcome) -> String
    ) async throws -> [String: ShotOutcome] {
        var outcomes: [String: ShotOutcome] = [:]
        var pending = Array(plan.shots.enumerated())
        var running = 0
        // Journaled requests whose cost is not known yet count at their estimate until their outcome says otherwise.
        var committed = resume.spentUSD + resume.pendingUSD
        var estimates = resume.pendingEstimates
        var learned: [String: Double] = [:]
        try await withThrowingTaskGroup(of: ShotOutcome.self) { group in
            while !pending.isEmpty || running > 0 {
                var i = 0
                while i < pending.count && running < concurrency {
                    let (index, shot) = pending[i]
                    // A colour-matched shot also waits for the shot its colour is matched to.
                    guard (shot.dependencies + [shot.colour.reference].compactMap { $0 }).allSatisfy({ outcomes[$0] != nil }) else {
                        i += 1
                        continue
                    }
                    let action = resume.actions[shot.id] ?? .submit
                    if action == .submit {
                        // A model without a catalog price costs what its last job here cost, once one has run.
                        var shot = shot
                        if let cost = learned[shot.model.slug] { shot.estimatedUSD = cost }
                        try ResumePlan.checkBeforeSubmit(shot, spentUSD: committed, maxUSD: maxCostUSD)
                        committed += shot.estimatedUSD
                        estimates[shot.id] = shot.estimatedUSD
                    }
                    var inputs = InputPublication(pictures: [:], previous: index > 0 ? plan.shots[index - 1].id : nil)
                    for dep in shot.dependencies {
                        inputs.pictures[dep] = outcomes[dep].map(pictures)
                        inputs.videos[dep] = outcomes[dep].map(videos)
                        inputs.upstream[dep] = outcomes[dep]?.requestID
                    }
                    if let reference = shot.colour.reference, let seen = outcomes[reference]?.inspected {
                        inputs.colourReference = shot.colour.referenceFirstFrame ? seen.first : seen.handedOn
                    }
                    group.addTask { try await run(shot, action, inputs) }
                    running += 1
                    pending.remove(at: i)
                }
                guard let done = try await group.next() else { break }
                running -= 1
                outcomes[done.id] = done
                if let estimate = estimates[done.id], let cost = done.costUSD { committed += cost - estimate }
                if let cost = done.costUSD, let shot = plan.shots.first(where: { $0.id == done.id }), !shot.priced {
                    learned[shot.model.slug] = cost
                }
            }
        }
        return outcomes
    }
}
