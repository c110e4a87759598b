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

    /// Bodies up to 10 MB (submit bodies are small JSON).
    var maxUploadSize: Int { 10 << 20 }
}

/// Thrown after the connection was closed on purpose (a `drop` or `truncate` fault).
struct ConnectionDropped: Error {}
