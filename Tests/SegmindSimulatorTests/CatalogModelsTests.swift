import Foundation
import MediaTestSupport
import Presets
import SegmindSimulator
import Testing

/// A models folder with the bundled files plus `extra` (file name to contents).
private func modelsFolder(_ extra: [String: String]) throws -> URL {
    let dir = TestCorpus.shared.scratchDirectory("sim-catalog-\(UUID().uuidString.prefix(8))")
    let bundled = Presets.directory.appendingPathComponent("models")
    for name in try FileManager.default.contentsOfDirectory(atPath: bundled.path) where name.hasSuffix(".json") {
        try FileManager.default.copyItem(at: bundled.appendingPathComponent(name), to: dir.appendingPathComponent(name))
    }
    for (name, text) in extra { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return dir
}

private func bundledText(_ slug: String) throws -> String {
    try String(contentsOf: Presets.directory.appendingPathComponent("models/\(slug).json"), encoding: .utf8)
}

@Suite("Models from the catalog", .serialized)
struct CatalogModelsTests {
    @Test("A copied model file under a new slug, with renamed parameters, is served by role")
    func copiedModelIsServed() async throws {
        let copy = try bundledText("kling-o1-image-to-video")
            .replacingOccurrences(of: #""slug": "kling-o1-image-to-video""#, with: #""slug": "acme-i2v""#)
            .replacingOccurrences(of: #""name": "start_image_url""#, with: #""name": "first_frame""#)
            .replacingOccurrences(of: #""name": "duration""#, with: #""name": "seconds""#)
        let models = try modelsFolder(["acme-i2v.json": copy])
        let inputs = try await RenderInputs.make()
        try await withSimulator(SimulatorConfiguration(scale: 0.125, modelsDirectory: models)) { sim in
            let reply = try await call(
                .POST, "\(sim.baseURL)/v1/acme-i2v", json: #"{"prompt":"pan","first_frame":"\#(inputs.url("start.png"))","seconds":"10"}"#)
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(reply.header("x-cost") == "1.824", "the flat price is for the default 5 s")
            let probed = try probe(try save(reply.body, "acme.mp4", in: models))
            #expect(probed.frames == 241 && probed.width == 240 && probed.height == 136 && !probed.hasAudio, "\(probed)")
            // The old names mean nothing to this model: its file decides.
            let old = try await call(.POST, "\(sim.baseURL)/v1/acme-i2v", json: #"{"prompt":"pan","start_image_url":"\#(inputs.url("start.png"))"}"#)
            #expect(old.status == 400 && (old.json?["error"] as? String)?.contains("start_image_url") == true, "\(old.text)")
            let duration = try await call(
                .POST, "\(sim.baseURL)/v1/acme-i2v", json: #"{"prompt":"pan","first_frame":"\#(inputs.url("start.png"))","seconds":7}"#)
            #expect(duration.status == 400 && (duration.json?["error"] as? String)?.contains("must be one of 5, 10 (seconds)") == true)
        }
        try await withSimulator { sim in
            let missing = try await call(.POST, "\(sim.baseURL)/v2/acme-i2v", json: #"{"prompt":"pan"}"#)
            #expect(missing.status == 404, "the bundled catalog has no acme-i2v")
        }
        await inputs.server.stop()
    }

    @Test("A malformed model file stops the simulator from starting, naming the file and the problem")
    func badCatalogIsRefused() async throws {
        let bad = try bundledText("kling-o1").replacingOccurrences(of: #""role": "output_format""#, with: #""role": "format""#)
        let models = try modelsFolder(["kling-o1.json": bad])
        await #expect {
            _ = try await SegmindSimulator.start(SimulatorConfiguration(modelsDirectory: models))
        } throws: { error in
            guard case .invalidConfiguration(let message)? = error as? SimulatorError else { return false }
            return message.contains("kling-o1.json") && message.contains("unknown role 'format'")
        }
        let empty = TestCorpus.shared.scratchDirectory("sim-catalog-empty-\(UUID().uuidString.prefix(8))")
        await #expect(throws: SimulatorError.self) { _ = try await SegmindSimulator.start(SimulatorConfiguration(modelsDirectory: empty)) }
    }
}
