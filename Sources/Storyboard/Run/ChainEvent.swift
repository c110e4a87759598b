/// A progress event for one shot.
public struct ChainEvent: Sendable, Equatable {
    /// The shot id.
    public var shot: String
    /// `WAITING`, `SUBMITTING`, `QUEUED`, `PROCESSING`, `DOWNLOADING`, `CHECKING`, `DONE`, ...
    public var state: String
    /// Seconds since the submit (when known).
    public var elapsedSeconds: Double?
    /// The model's typical time.
    public var expectedSeconds: Double?
}
