import Foundation
import MediaKit
import MediaTestSupport
import Presets
import Segmind
import SegmindSimulator
import Testing

@testable import Storyboard

/// A three-shot chain (an end image on the second, audio on the third) in a fresh folder, with 640x360 inputs.
func threeShotPlan() throws -> (ChainPlan, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var start = PixelImage(width: 640, height: 360, red: 0, green: 0, blue: 0)
    for y in 0..<360 {
        for x in 0..<640 {
            let o = (y * 640 + x) * 3
            start.pixels[o] = UInt8(x * 255 / 639)
            start.pixels[o + 1] = UInt8(y * 255 / 359)
            start.pixels[o + 2] = 90
        }
    }
    try ImageFile.write(start, to: dir.appendingPathComponent("start.png").path)
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 200, green: 120, blue: 40), to: dir.appendingPathComponent("end.png").path)
    let path = dir.appendingPathComponent("board.yaml").path
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3, seam: drop-first}
    shots:
      - {id: a, prompt: one, start_image: start.png}
      - {id: b, prompt: two, start_image: previous, end_image: end.png}
      - {id: c, prompt: three, start_image: previous, generate_audio: true}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    return (try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: catalog), dir)
}

/// Runs `body` with a client (using `apiKey`) talking to a fresh simulator (by default rendering at half size). With
/// `history` the client reads the simulator's request history; without it the history cannot be reached (a closed
/// loopback port), as when neither the status records nor the history can answer.
func withSimulator<T: Sendable>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(latency: 0.2, scale: 0.5), apiKey: String = "test-key", history: Bool = false,
    _ body: (SegmindSimulator, SegmindClient) async throws -> T
) async throws -> T {
    let simulator = try await SegmindSimulator.start(configuration)
    do {
        let result = try await AsyncHTTPTransport.withTransport { transport in
            let configuration = try SegmindConfiguration(
                baseURL: simulator.baseURL, historyBaseURL: history ? simulator.baseURL : "http://127.0.0.1:1", storageBaseURL: simulator.baseURL,
                apiKey: APIKey(apiKey))
            // On the servers' threads, so the other suites' synchronous work cannot starve the client's timeouts.
            return try await onServerThreads {
                try await body(simulator, SegmindClient(configuration: configuration, transport: transport))
            }
        }
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}
