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
        try await MediaTestSupport.onServerThreads { try await function() }
    }
}

/// `body`'s result, its steps run on the servers' threads (`DedicatedExecutor.servers` as the task executor
/// preference): for the helpers that run a test's steps against a simulator or a frame server, as the
/// ``OnServerThreads`` trait does for a whole test.
public func onServerThreads<T, Failure: Error>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws(Failure) -> T
) async throws(Failure) -> T {
    try await withTaskExecutorPreference(DedicatedExecutor.servers, isolation: isolation, operation: body)
}

extension Trait where Self == OnServerThreads {
    /// The test's steps run on the servers' threads (see ``OnServerThreads``).
    public static var onServerThreads: Self { Self() }
}
