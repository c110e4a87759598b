import Dispatch

/// Runs synchronous, long work (decoding, encoding, rendering) on a dispatch queue and suspends the caller until it
/// is done, so the work never holds one of the cooperative pool's few threads, which the servers and the client's
/// timers need meanwhile.
public enum BlockingWork {
    /// The result of `body`, run on a global queue at `qos`; what it throws is rethrown.
    public static func run<Value: Sendable, Failure: Error>(
        qos: DispatchQoS.QoSClass = .userInitiated, _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, Failure>, Never>) in
            DispatchQueue.global(qos: qos).async {
                continuation.resume(returning: Result { () throws(Failure) -> Value in try body() })
            }
        }
        return try result.get()
    }
}
