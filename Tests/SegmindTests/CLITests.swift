import Foundation
import MediaTestSupport
import Segmind
import SegmindSimulator
import Testing

/// Runs the built CLI off the concurrency pool (the in-process simulator needs the pool's threads meanwhile).
private func shotchain(_ arguments: [String], key: String = "cli-secret-key-4242") async throws -> ProcessOutput {
    let executable = try shotchainExecutable()
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = key
    environment.removeValue(forKey: "SEGMIND_BASE_URL")
    let env = environment
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProcess(executable, arguments, environment: env, check: false) })
        }
    }
}

@Test func modelsCommandListsAndShowsTheCatalog() async throws {
    let list = try await shotchain(["models"])
    #expect(list.status == 0)
    for slug in [
        "kling-o1", "kling-o1-image-to-video", "kling-o1-reference-image-to-video", "kling-o1-video-to-video-reference", "kling-o3-image2video",
    ] {
        #expect(list.stdoutText.contains(slug))
    }
    let one = try await shotchain(["models", "kling-o3-image2video", "--json"])
    #expect(one.status == 0)
    let model = try JSONDecoder().decode(ModelSpec.self, from: one.stdout)
    #expect(model.parameter("mode")?.allowed == ["std", "pro"])
    let unknown = try await shotchain(["models", "nope"])
    #expect(unknown.status == 2 && unknown.stderrText.contains("unknown model 'nope'"))
    let empty = scratch()
    let elsewhere = try await shotchain(["models", "--presets", empty.path])
    #expect(elsewhere.status == 2 && elsewhere.stderrText.contains(empty.path))
}

@Test func generateStatusResultAgainstTheSimulator() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let key = "cli-secret-key-4242"
    let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0.5, scale: 0.1))
    defer { Task { await simulator.stop() } }
    let dir = scratch()
    let out = dir.appendingPathComponent("shot.mp4").path
    let common = ["--base-url", simulator.baseURL + "/v1"]

    // Refused before any request: every problem named, exit 2, nothing billed.
    let bad = try await shotchain(
        ["generate", "kling-o3-image2video", "--param", "duration=20", "--param", "mode=ultra", "--input", "image_url=/no/such.png", "-o", out]
            + common)
    #expect(bad.status == 2)
    for name in ["duration", "mode", "image_url", "prompt"] { #expect(bad.stderrText.contains(name), "\(bad.stderrText)") }
    let local = try await shotchain(
        ["generate", "kling-o1-image-to-video", "--prompt", "x", "--input", "start_image_url=\(inputs.server.directory.path)/start.png", "-o", out]
            + common)
    #expect(local.status == 2 && local.stderrText.contains("start_image_url") && local.stderrText.contains("not supported yet"))
    #expect(await simulator.submissionCount() == 0)

    // v2 generate, then status and result from the id alone.
    let gen = try await shotchain(
        [
            "generate", "kling-o1-image-to-video", "--prompt", "a pan", "--input", "start_image_url=\(inputs.server.url("start.png"))", "-o", out,
            "--json",
            "--interval", "0.1",
        ] + common)
    #expect(gen.status == 0, "\(gen.stderrText)")
    let outcome = try JSONDecoder().decode(GenerationOutcome.self, from: gen.stdout)
    let id = try #require(outcome.job?.requestID)
    #expect(outcome.file.kind == .video && FileManager.default.fileExists(atPath: out))
    let status = try await shotchain(["status", id] + common)
    #expect(status.status == 0 && status.stdoutText.contains("\(id): COMPLETED"))
    let again = dir.appendingPathComponent("again.mp4").path
    let result = try await shotchain(["result", id, "-o", again] + common)
    #expect(result.status == 0, "\(result.stderrText)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: out)))

    // Unknown id: exit 3; a deadline that passes: exit 4 with the id.
    let missing = try await shotchain(["status", "00000000-dead-beef"] + common)
    #expect(missing.status == 3 && missing.stderrText.contains("not found"))
    let slow = try await SegmindSimulator.start(SimulatorConfiguration(latency: 60, scale: 0.1))
    defer { Task { await slow.stop() } }
    let pending = try await shotchain(
        [
            "generate", "kling-o1", "--input", "image_urls=\(inputs.server.url("start.png"))", "-o", dir.appendingPathComponent("x.png").path,
            "--deadline", "0.3", "--interval", "0.1", "--base-url", slow.baseURL,
        ])
    #expect(pending.status == 4, "\(pending.stderrText)")
    #expect(pending.stderrText.contains("shotchain result "))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))

    // The key never appears in anything the CLI printed.
    for output in [bad, local, gen, status, result, missing, pending] {
        #expect(!output.stdoutText.contains(key) && !output.stderrText.contains(key))
    }
}
