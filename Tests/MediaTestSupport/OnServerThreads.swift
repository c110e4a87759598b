import Testing
import WorkThreads

/// Runs a test, or each test of a suite, with the servers' executor (`DedicatedExecutor.servers`) as its task
/// executor preference.
///
/// The frame server and the simulator answer on their own threads; a test whose steps must land at the right moment
/// of a job's timeline (remove a file while the job is queued, kill a chain as soon as its request id is on disk)
/// needs its own steps off the cooperative pool too, or the other suites' synchronous work delays them while the
/// simulator's clock runs on.
public struct OnServerThreads: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.servers) { try await function() }
    }
}

extension Trait where Self == OnServerThreads {
    /// The test's steps run on the servers' threads (see ``OnServerThreads``).
    public static var onServerThreads: Self { Self() }
}
