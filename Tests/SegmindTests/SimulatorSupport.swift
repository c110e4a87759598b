import Foundation
import MediaTestSupport
import Presets
import Segmind
import SegmindSimulator

/// A static file server for input URLs (`python3 -m http.server` on a free loopback port), as the frame server will be.
final class InputServer: @unchecked Sendable {
    let baseURL: String
    let directory: URL
    private let process: Process

    init(directory: URL) throws {
        self.directory = directory
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var text = ""
        while !text.contains("\n") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        // "Serving HTTP on 127.0.0.1 port 43567 (http://127.0.0.1:43567/) ..."
        guard let r = text.range(of: "port "), let port = Int(text[r.upperBound...].prefix { $0.isNumber }) else {
            p.terminate()
            throw SegmindError.configuration("input server did not start: \(text)")
        }
        process = p
        baseURL = "http://127.0.0.1:\(port)"
    }

    func url(_ name: String) -> String { "\(baseURL)/\(name)" }

    func stop() {
        // SIGKILL: the child inherits a mask that blocks SIGTERM; waitUntilExit is not used (it can hang inside async tests).
        kill(process.processIdentifier, SIGKILL)
    }
}

/// The inputs every model needs, served over HTTP.
struct SimulatorInputs {
    let server: InputServer
    static func make() async throws -> SimulatorInputs {
        let dir = scratch()
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("start.png").path])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=480x480", "-frames:v", "1", dir.appendingPathComponent("ref.jpg").path])
        try FileManager.default.copyItem(at: try await TestCorpus.shared.url(.bframesAAC), to: dir.appendingPathComponent("ref.mp4"))
        return SimulatorInputs(server: try InputServer(directory: dir))
    }

    /// Valid parameters for `slug`, with short durations so renders stay small.
    func parameters(_ slug: String) -> [String: JSONValue] {
        let png = JSONValue.string(server.url("start.png"))
        let jpg = JSONValue.string(server.url("ref.jpg"))
        switch slug {
        case "kling-o1-image-to-video": return ["prompt": "a slow pan", "start_image_url": png, "duration": 5]
        case "kling-o1-reference-image-to-video": return ["prompt": "@Image1 walks", "image_urls": [png, jpg], "aspect_ratio": "1:1"]
        case "kling-o1-video-to-video-reference": return ["prompt": "@Video1 in snow", "video_url": .string(server.url("ref.mp4"))]
        case "kling-o1": return ["image_urls": [png, jpg], "output_format": "jpg"]
        default: return ["prompt": "a wave", "image_url": png, "duration": "3", "mode": "std"]
        }
    }
}

func bundledCatalog() throws -> ModelCatalog {
    try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
}

/// Runs `body` with a simulator and a real AsyncHTTPClient transport; both are shut down afterwards.
func withSimulator<T: Sendable>(
    _ configuration: SimulatorConfiguration, key: String = "sim-key-0123456789",
    retry: RetryPolicy = RetryPolicy(maxAttempts: 8, baseDelay: 0.02, maxDelay: 0.2, maxRateLimitWait: 3),
    _ body: (SegmindSimulator, SegmindClient) async throws -> T
) async throws -> T {
    let simulator = try await SegmindSimulator.start(configuration)
    do {
        let result = try await AsyncHTTPTransport.withTransport(readTimeout: .seconds(30)) { transport in
            var c = try SegmindConfiguration(baseURL: simulator.baseURL + "/v1", historyBaseURL: simulator.baseURL, apiKey: APIKey(key))
            c.retry = retry
            c.requestTimeout = .seconds(30)
            // The client's side on the servers' threads too: the other suites' synchronous work on the cooperative
            // pool must not starve its timeouts.
            return try await onServerThreads {
                try await body(simulator, SegmindClient(configuration: c, transport: transport))
            }
        }
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}
