import Foundation
import FrameServer
import Segmind

/// Publishes local inputs through a running `FrameServer`: the glue between Segmind's `LocalInputPublisher` hook and
/// the server (neither module imports the other).
public struct FrameServerPublisher: LocalInputPublisher {
    /// The server the files are published on.
    public let server: FrameServer

    /// Creates a publisher on `server`.
    public init(server: FrameServer) { self.server = server }

    /// Publishes `input`'s file and returns its URL on the server's base (public or local).
    ///
    /// - Throws: `SegmindError.configuration` naming the parameter when the file cannot be published.
    public func publish(_ input: LocalInput) async throws -> String {
        do {
            return try await server.publish(input.path).absoluteString
        } catch {
            throw SegmindError.configuration("\(input.parameter): \(String(describing: error))")
        }
    }

    /// Withdraws a URL `publish(_:)` returned.
    public func unpublish(_ url: String) async {
        if let url = URL(string: url) { await server.unpublish(url) }
    }
}
