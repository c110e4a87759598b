import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, so a fault can close it unanswered.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// JSON API bodies up to 10 MB (submit bodies are small JSON; `/upload-asset` has its own, configured limit).
    static let maxJSONBody = 10 << 20

    /// Hummingbird's own decoding limit, the same as ``maxJSONBody``.
    var maxUploadSize: Int { Self.maxJSONBody }
}

/// Thrown after the connection was closed on purpose (a `drop` or `truncate` fault).
struct ConnectionDropped: Error {}
