import Foundation
import MediaTestSupport
import SegmindSimulator
import Testing

/// The official Python SDK (segmind 1.3.0) in a virtual environment under `.build/sdk-venv`, run by
/// `scripts/segmind-sdk-check.sh` (which creates the environment when `scripts/setup.sh` has not).
enum OfficialSDK {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let venv = packageRoot.appendingPathComponent(".build/sdk-venv")
    static let script = packageRoot.appendingPathComponent("scripts/segmind-sdk-check.sh")

    /// True when the environment exists with pip, or python3 can create one (`venv` and `ensurepip` importable).
    static let available: Bool = {
        if FileManager.default.isExecutableFile(atPath: venv.appendingPathComponent("bin/pip").path) { return true }
        let probe = try? runProcess("python3", ["-c", "import venv, ensurepip"], check: false)
        return probe?.status == 0
    }()

    /// Runs the script off the cooperative pool (it blocks until the SDK is done).
    static func run(_ arguments: [String]) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runProcess("bash", [script.path, venv.path] + arguments, check: false) })
            }
        }
    }
}

@Suite("Official Python SDK", .serialized)
struct OfficialSDKTests {
    @Test(
        "segmind 1.3.0: client.files.upload against the simulator returns a URL serving the same bytes; client.run (v2) uses it",
        .enabled(if: OfficialSDK.available, "python3 with venv and pip is not available"))
    func uploadAndRun() async throws {
        let dir = TestCorpus.shared.scratchDirectory("sim-sdk")
        let png = dir.appendingPathComponent("start.png")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", png.path])
        let bytes = [UInt8](try Data(contentsOf: png))
        try await withSimulator(SimulatorConfiguration(scale: 0.125, apiKey: "sdk-key")) { sim in
            let output = try await OfficialSDK.run([
                sim.baseURL, "sdk-key", png.path, "kling-o1-image-to-video", #"{"prompt": "sdk", "start_image_url": "@upload"}"#,
            ])
            #expect(output.status == 0, "\(output.stderrText.suffix(2000))")
            let lines = output.stdoutText.split(separator: "\n").map(String.init)
            let uploaded = try #require(lines.first, "no URL printed: \(output.stderrText.suffix(2000))")
            #expect(uploaded.hasPrefix("\(sim.baseURL)/assets/") && uploaded.hasSuffix(".png"), "\(uploaded)")
            let served = try await call(.GET, uploaded, key: nil)
            #expect(served.status == 200 && served.body == bytes)
            #expect(served.header("content-type") == "image/png")
            #expect(await sim.uploadCount() == 1)
            let video = try #require(lines.dropFirst().first, "client.run printed no output URL")
            #expect(video.hasPrefix("\(sim.baseURL)/files/"), "\(video)")
            #expect(await sim.submissionCount(slug: "kling-o1-image-to-video") == 1)
            #expect(await sim.failedFetches().isEmpty)
        }
    }
}
