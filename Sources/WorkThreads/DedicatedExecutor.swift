import Dispatch

/// A task executor with threads of its own, for async code that must answer promptly however busy the cooperative
/// pool is: the frame server and the simulator run their request handling on ``servers``.
///
/// Swift's cooperative pool has one thread per core. Synchronous work on it (a decode, an encode, a child process
/// waited for) holds a thread until it ends, and a server task queued behind such work answers late: a service
/// fetching a start image, or a client with a read timeout, gives up meanwhile. Tasks started with this executor as
/// their preference (`Task(executorPreference:)`, `withTaskExecutorPreference`), and their child tasks, run on a
/// private concurrent dispatch queue instead, which gets threads even while every core is busy.
public final class DedicatedExecutor: TaskExecutor {
    /// The executor the frame server and the simulator run on.
    public static let servers = DedicatedExecutor(label: "shotchain.servers")

    private let queue: DispatchQueue

    /// An executor on a new concurrent queue named `label`.
    public init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
