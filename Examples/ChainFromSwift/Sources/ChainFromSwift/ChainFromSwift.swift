import Foundation
import FrameServer
import MediaKit
import Presets
import Segmind
import SegmindSimulator

/// One shot generated from Swift: catalog validation, the simulator, `SegmindClient.generate`, the last frame.
@main
struct ChainFromSwift {
    static func main() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("chain-from-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

        // A start image, drawn here and written with MediaKit.
        let start = work.appendingPathComponent("start.png").path
        try ImageFile.write(gradient(width: 640, height: 360), to: start)

        // The catalog built into shotchain; the validator checks the parameters and the local file against it.
        let files = Presets.files(under: "models").map { (name: $0.name, data: $0.data) }
        let catalog = try ModelCatalog(files: files, directory: URL(fileURLWithPath: "built-in/models"))
        let request = try RequestValidator().validate(
            model: try catalog.model("kling-o3-image2video"),
            parameters: ["prompt": "A quiet harbour at dawn, the camera drifts over the water.", "duration": "3", "mode": "std"],
            localInputs: [LocalInput(parameter: "image_url", path: start)])
        print("validated \(request.model.slug); estimated $\(String(format: "%.3f", request.estimatedUSD ?? 0))")

        // The in-process simulator stands in for api.segmind.com; a frame server makes the start image fetchable.
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration())
        let frames = try await FrameServer.start()
        do {
            let outcome = try await generate(request, at: simulator.baseURL, serving: frames, to: work.appendingPathComponent("shot.mp4"))
            print(
                "generated \(outcome.file.path): \(outcome.file.width)x\(outcome.file.height), \(String(format: "%.3f", outcome.file.durationSeconds ?? 0)) s"
            )

            let last = try FrameExtractor.extractToFile(from: outcome.file.path, .last, to: work.appendingPathComponent("last.png").path)
            print("last frame \(last.index.map(String.init) ?? "?") at \(String(format: "%.3f", last.time)) s -> \(work.path)/last.png")
        } catch {
            await frames.stop()
            await simulator.stop()
            throw error
        }
        await frames.stop()
        await simulator.stop()
    }

    /// Submits `request` to the API at `baseURL`, polls it and downloads the output to `shot`; its local inputs are
    /// served by `frames` meanwhile.
    nonisolated static func generate(
        _ request: ValidatedRequest, at baseURL: String, serving frames: FrameServer, to shot: URL
    ) async throws -> GenerationOutcome {
        try await AsyncHTTPTransport.withTransport { transport in
            let configuration = try SegmindConfiguration(baseURL: baseURL, apiKey: APIKey("example-key"))
            let client = SegmindClient(configuration: configuration, transport: transport)
            return try await FrameServerPublisher(server: frames).withPublishedInputs(of: request) { published in
                try await client.generate(published, to: shot)
            }
        }
    }

    /// A left-to-right blue-to-orange gradient.
    static func gradient(width: Int, height: Int) -> PixelImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<height {
            for x in 0..<width {
                let t = Double(x) / Double(max(1, width - 1))
                pixels += [UInt8(40 + 200 * t), UInt8(90 + 60 * t), UInt8(200 - 170 * t)]
            }
        }
        return PixelImage(width: width, height: height, hasAlpha: false, pixels: pixels)
    }
}

/// Publishes local inputs through the in-process frame server (what `shotchain generate` does for local files).
struct FrameServerPublisher: LocalInputPublisher {
    let server: FrameServer

    func publish(_ input: LocalInput) async throws -> String {
        try await server.publish(input.path).absoluteString
    }

    func unpublish(_ url: String) async {
        if let url = URL(string: url) { _ = await server.unpublish(url) }
    }
}
