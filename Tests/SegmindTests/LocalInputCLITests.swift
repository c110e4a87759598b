import Foundation
import MediaTestSupport
import Segmind
import SegmindSimulator
import Testing

/// Runs the built CLI off the concurrency pool (the in-process simulator needs the pool's threads meanwhile).
private func runCLI(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessOutput {
    let executable = try shotchainExecutable()
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = "local-input-key-4242"
    environment.removeValue(forKey: "SEGMIND_BASE_URL")
    environment.removeValue(forKey: "SHOTCHAIN_PUBLIC_URL")
    environment.merge(extra) { $1 }
    let env = environment
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProcess(executable, arguments, environment: env, check: false) })
        }
    }
}

/// PSNR (dB, RGB) between two same-sized pictures, measured by the ffmpeg CLI's psnr filter.
private func psnr(_ a: String, _ b: String) throws -> Double {
    let output = try runProcess(
        "ffmpeg",
        ["-hide_banner", "-nostdin", "-i", a, "-i", b, "-lavfi", "[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr", "-f", "null", "-"])
    let text = output.stderrText
    let range = try #require(text.range(of: "average:"), "\(text.suffix(500))")
    let value = text[range.upperBound...].prefix { !$0.isWhitespace }
    return value == "inf" ? .infinity : try #require(Double(value))
}

/// A free loopback TCP port (bound and released; good enough for a test).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw CocoaError(.fileReadUnknown) }
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite("generate with local inputs")
struct LocalInputCLITests {
    @Test func localStartImageIsServedFetchedAndBecomesTheFirstFrame() async throws {
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0.3, scale: 0.5))
        defer { Task { await simulator.stop() } }
        let dir = scratch()
        let start = dir.appendingPathComponent("start.png").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", start])
        let out = dir.appendingPathComponent("shot.mp4").path

        let run = try await runCLI([
            "generate", "kling-o1-image-to-video", "--prompt", "a slow pan", "--input", "start_image_url=\(start)", "-o", out, "--interval",
            "0.1", "--base-url", simulator.baseURL,
        ])
        #expect(run.status == 0, "\(run.stderrText)")
        #expect(run.stderrText.contains("serving 1 local input(s) at http://127.0.0.1:"), "\(run.stderrText)")
        #expect(await simulator.submissionCount() == 1)
        let first = dir.appendingPathComponent("first.png").path
        // The model renders 1920x1080 for a 16:9 start (960x540 at scale 0.5); compare at the image's size.
        try ffmpeg(["-i", out, "-frames:v", "1", "-vf", "scale=640:360:flags=area", first])
        let size = try runProcess(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", out])
        #expect(size.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "960,540")
        let quality = try psnr(first, start)
        #expect(quality >= 28, "first frame vs local start image: \(quality) dB")
    }

    @Test func publicURLMintsTheURLsTheServiceFetches() async throws {
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0, scale: 0.25))
        defer { Task { await simulator.stop() } }
        let dir = scratch()
        let start = dir.appendingPathComponent("start.png").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", start])
        let port = try freePort()
        // "localhost" stands in for a proxy's host name: the simulator can only succeed by fetching from that base.
        let run = try await runCLI(
            [
                "generate", "kling-o1-image-to-video", "--prompt", "x", "--input", "start_image_url=\(start)", "-o",
                dir.appendingPathComponent("shot.mp4").path, "--interval", "0.1", "--base-url", simulator.baseURL, "--serve-port", String(port),
            ], environment: ["SHOTCHAIN_PUBLIC_URL": "http://localhost:\(port)/"])
        #expect(run.status == 0, "\(run.stderrText)")
        #expect(run.stderrText.contains("at http://localhost:\(port)/f/..."), "\(run.stderrText)")
    }

    @Test func badAndMissingLocalFilesAreRefusedBeforeAnythingIsSubmitted() async throws {
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0, scale: 0.25))
        defer { Task { await simulator.stop() } }
        let dir = scratch()
        let small = dir.appendingPathComponent("small.png").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=200x150", "-frames:v", "1", small])
        let missing = dir.appendingPathComponent("missing.png").path
        let out = dir.appendingPathComponent("shot.mp4").path
        let common = ["--prompt", "x", "-o", out, "--base-url", simulator.baseURL]

        let tooSmall = try await runCLI(["generate", "kling-o1-image-to-video", "--input", "start_image_url=\(small)"] + common)
        #expect(tooSmall.status == 2)
        #expect(tooSmall.stderrText.contains("start_image_url: \(small): 200x150 is below the minimum of 300 px"), "\(tooSmall.stderrText)")

        let absent = try await runCLI(["generate", "kling-o1-image-to-video", "--input", "start_image_url=\(missing)"] + common)
        #expect(absent.status == 2)
        #expect(absent.stderrText.contains("start_image_url: \(missing): no such file"), "\(absent.stderrText)")

        // Both at once, in one line: every problem is named.
        let both = try await runCLI(
            ["generate", "kling-o1-image-to-video", "--input", "start_image_url=\(small)", "--input", "end_image_url=\(missing)"] + common)
        #expect(both.status == 2)
        #expect(both.stderrText.split(separator: "\n").count == 1)
        #expect(both.stderrText.contains("start_image_url: \(small): 200x150") && both.stderrText.contains("end_image_url: \(missing): no such file"))

        #expect(await simulator.submissionCount() == 0)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func noWaitAndUnreachableServiceAreRefused() async throws {
        let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0, scale: 0.25))
        defer { Task { await simulator.stop() } }
        let dir = scratch()
        let start = dir.appendingPathComponent("start.png").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", start])
        let input = ["kling-o1-image-to-video", "--prompt", "x", "--input", "start_image_url=\(start)"]

        let noWait = try await runCLI(["generate"] + input + ["--no-wait", "--base-url", simulator.baseURL])
        #expect(noWait.status == 2)
        #expect(noWait.stderrText.contains("--no-wait: cannot be used with a local input start_image_url=\(start)"), "\(noWait.stderrText)")
        #expect(noWait.stdout.isEmpty)
        // A public URL does not help: the tokens are served by this process only.
        let noWaitPublic = try await runCLI(
            ["generate"] + input + ["--no-wait", "--base-url", simulator.baseURL, "--public-url", "https://t.example"])
        #expect(noWaitPublic.status == 2 && noWaitPublic.stderrText.contains("--no-wait"))
        #expect(await simulator.submissionCount() == 0)

        // A hosted API cannot reach a loopback server: serving is refused without any network call, options explained.
        // (The default against a hosted API is to upload instead: `--inputs auto`.)
        let remote = try await runCLI(
            ["generate"] + input + ["-o", dir.appendingPathComponent("x.mp4").path, "--base-url", "https://api.segmind.com", "--inputs", "serve"])
        #expect(remote.status == 2)
        for text in ["--base-url: https://api.segmind.com cannot fetch a local input start_image_url", "--public-url", "upload"] {
            #expect(remote.stderrText.contains(text), "\(remote.stderrText)")
        }
        let badPublic = try await runCLI(
            ["generate"] + input + ["-o", dir.appendingPathComponent("x.mp4").path, "--base-url", simulator.baseURL, "--public-url", "ftp://x"])
        #expect(badPublic.status == 2 && badPublic.stderrText.contains("--public-url: 'ftp://x' is not an absolute"), "\(badPublic.stderrText)")
        #expect(await simulator.submissionCount() == 0)
    }
}
