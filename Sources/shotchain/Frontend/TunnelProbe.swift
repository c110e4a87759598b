import Foundation
import FrameServer
import MediaKit
import Segmind

/// Proves, before anything is paid for, that a `--public-url` reaches this machine's frame server: a small picture
/// is published, fetched through the public URL as the service would fetch it (no key), and compared byte for byte.
enum TunnelProbe {
    /// Checks `server`'s public base with a probe file written into `folder` (removed afterwards).
    ///
    /// - Throws: `SegmindError.configuration` naming the public URL and what came back.
    static func check(_ server: FrameServer, transport: any HTTPTransport, folder: String) async throws {
        let path = (folder as NSString).appendingPathComponent("public-url-probe.png")
        try ImageFile.write(PixelImage(width: 8, height: 8, red: 12, green: 200, blue: 90), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try Data(contentsOf: URL(fileURLWithPath: path))
        let url: URL
        do { url = try await server.publish(path) } catch {
            throw SegmindError.configuration("--public-url: cannot publish a probe file (\(String(describing: error)))")
        }
        let problem = await problem(fetching: url, expecting: expected, transport: transport)
        _ = await server.unpublish(url)
        guard let problem else { return }
        throw SegmindError.configuration(
            "--public-url \(server.baseURL.absoluteString) does not reach this machine's frame server: \(url.absoluteString) \(problem); check that the tunnel or proxy forwards \(server.baseURL.absoluteString)/f/... to \(server.localBaseURL.absoluteString); nothing was sent"
        )
    }

    /// What is wrong with `url` as a copy of `expected`, or nil when it serves exactly those bytes.
    private static func problem(fetching url: URL, expecting expected: Data, transport: any HTTPTransport) async -> String? {
        do {
            let response = try await transport.execute(TransportRequest(method: "GET", url: url.absoluteString), timeout: .seconds(15))
            var body = Data()
            while body.count <= expected.count, let chunk = try await response.body.next() { body.append(contentsOf: chunk) }
            if response.status == 200 && body == expected { return nil }
            return response.status == 200 ? "answered other bytes than the file served" : "answered HTTP \(response.status)"
        } catch {
            return "could not be fetched (\(error))"
        }
    }
}
