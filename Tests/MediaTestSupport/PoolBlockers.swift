import Foundation
import Synchronization

/// Holds every thread of Swift's cooperative pool with synchronous waits until released (or until `limit` seconds
/// after the pool is full), so a test can show what still runs while the pool is full.
public final class PoolBlockers: Sendable {
    /// The pool's width: one thread per active core.
    public let count = ProcessInfo.processInfo.activeProcessorCount
    private let limit: Double
    private let started = Atomic<Int>(0)
    private let released = Atomic<Bool>(false)
    private let gaveUp = Atomic<Int>(0)
    private let allStartedAt = Atomic<UInt64>(0)

    /// Blockers that give up `limit` seconds after the last of them started.
    public init(limit: Double = 60) { self.limit = limit }

    /// Starts `count` detached tasks (no executor preference: they run on the pool) and returns once all of them
    /// are blocking. The caller must not be on the pool itself, or it waits for the blockers to give up.
    public func fillPool() async throws {
        for _ in 0..<count {
            Task.detached { [self] in block() }
        }
        try await waitUntilAllStarted()
    }

    /// Runs `count` blocking waits through `run` (for instance ``BlockingWork``) and returns once all of them are
    /// blocking; `run` is given the wait itself.
    public func start(through run: @escaping @Sendable (@escaping @Sendable () -> Void) async -> Void) async throws -> [Task<Void, Never>] {
        let tasks = (0..<count).map { _ in Task { [self] in await run { self.block() } } }
        try await waitUntilAllStarted()
        return tasks
    }

    /// True while every blocker still holds its thread (none has given up, none released).
    public var holdingAll: Bool { gaveUp.load(ordering: .sequentiallyConsistent) == 0 && !released.load(ordering: .sequentiallyConsistent) }

    /// Lets every blocker go.
    public func release() { released.store(true, ordering: .sequentiallyConsistent) }

    private func block() {
        started.add(1, ordering: .sequentiallyConsistent)
        // The limit runs from the moment the last blocker started (the first may wait long for the others, behind
        // other tests' work), with an outer bound so a blocker never outlives a broken test.
        let cap = DispatchTime.now().uptimeNanoseconds + 10 * UInt64(limit * 1e9)
        while !released.load(ordering: .sequentiallyConsistent) {
            let now = DispatchTime.now().uptimeNanoseconds
            let all = allStartedAt.load(ordering: .sequentiallyConsistent)
            if now > cap || (all > 0 && now > all + UInt64(limit * 1e9)) {
                gaveUp.add(1, ordering: .sequentiallyConsistent)
                return
            }
            usleep(5_000)
        }
    }

    private func waitUntilAllStarted() async throws {
        // Other tests may hold the pool for a while: wait until every blocker has a thread.
        while started.load(ordering: .sequentiallyConsistent) < count { try await Task.sleep(for: .milliseconds(5)) }
        allStartedAt.store(DispatchTime.now().uptimeNanoseconds, ordering: .sequentiallyConsistent)
    }
}
