import MediaTestSupport
import Testing
import WorkThreads

/// What still runs while synchronous work fills Swift's cooperative pool.
@Suite struct WorkThreadsTests {
    @Test func aTaskPreferringTheDedicatedExecutorRunsWhileThePoolIsFull() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.servers) {
            let blockers = PoolBlockers()
            try await blockers.fillPool()
            defer { blockers.release() }
            // A child task inherits the preference: it runs while every pool thread is held. Had it waited for a
            // pool thread, the blockers would have given up first.
            async let ran = blockers.holdingAll
            #expect(await ran)
            #expect(blockers.holdingAll)
        }
    }

    @Test func blockingWorkLeavesThePoolFree() async throws {
        // The probe below runs on the pool, which the other suites may keep busy for a long while: the jobs wait for
        // it up to two minutes. Had they held pool threads, the probe would only run once they gave up.
        let blockers = PoolBlockers(limit: 120)
        // As many blocked jobs as the pool has threads, each run through BlockingWork.
        let jobs = try await blockers.start { wait in await BlockingWork.run(wait) }
        // A task on the pool still runs while every job blocks: they hold no pool thread.
        let probe = await Task.detached { blockers.holdingAll }.value
        blockers.release()
        for job in jobs { await job.value }
        #expect(probe)
    }

    @Test func blockingWorkRethrowsWhatTheBodyThrows() async {
        await #expect(throws: BodyError.self) { try await BlockingWork.run { () throws(BodyError) in throw BodyError() } }
    }
}

struct BodyError: Error {}
