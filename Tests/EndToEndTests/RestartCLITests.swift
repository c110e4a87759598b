import Foundation
import MediaTestSupport
import SegmindSimulator
import Testing

/// `kill -9` of a chain while its first shot is QUEUED, then an immediate restart: the restarted run serves the
/// same input URLs at the same address (the frame server's state file in the run folder), so the service's fetch
/// while PROCESSING never fails, and nothing is paid twice. The kill must land while the job is queued: the test's
/// steps run on the simulator's threads.
@Test(.serialized, .onServerThreads, arguments: [false, true])
func aKilledChainRestartedAtOnceKeepsEveryQueuedJobsInputsFetchable(tunnel: Bool) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try runProcess(
        "/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("s.png").path])
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3}
    shots:
      - {id: a, prompt: one, start_image: s.png}
      - {id: b, prompt: two, start_image: previous}
    """.write(to: dir.appendingPathComponent("board.yaml"), atomically: true, encoding: .utf8)
    // Jobs stay QUEUED for the first 3 seconds and fetch their inputs once PROCESSING. The kill must land while a is
    // QUEUED: between the submit's answer and the kill come the journal's flush to disk and this test's next look at
    // it, which on a busy machine can take more than a second.
    let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 9, scale: 0.5))
    defer { Task { await simulator.stop() } }
    let exe = try shotchainExecutable()
    let out = dir.appendingPathComponent("out").path
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = "restart-test-key"
    environment["SEGMIND_HISTORY_URL"] = simulator.baseURL
    var arguments = ["chain", "board.yaml", "--base-url", simulator.baseURL, "--out", out, "--progress", "never"]
    if tunnel {
        // Serve mode with a fixed port and a public URL in front of it (here the same address, as a tunnel would be).
        let port = Int.random(in: 30000...39999)
        arguments += ["--inputs", "serve", "--serve-port", String(port), "--public-url", "http://127.0.0.1:\(port)"]
    }
    let first = Process()
    first.executableURL = URL(fileURLWithPath: exe)
    first.arguments = arguments
    first.environment = environment
    first.currentDirectoryURL = dir
    first.standardOutput = FileHandle.nullDevice
    first.standardError = FileHandle.nullDevice
    try first.run()
    // Kill it as soon as a's request id is on disk (a is then QUEUED on the service).
    let journal = out + "/journal.jsonl"
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        if let text = try? String(contentsOfFile: journal, encoding: .utf8), text.contains(#""event":"submitted""#) { break }
        try await Task.sleep(for: .milliseconds(20))
    }
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    #expect(await simulator.submissionCount() == 1)
    let again = try runProcess(exe, arguments, environment: environment, currentDirectory: dir, check: false)
    #expect(again.status == 0, "\(again.stderrText)")
    #expect(await simulator.submissionCount() == 2)
    let failed = await simulator.failedFetches()
    #expect(failed.isEmpty, "\(failed)")
    #expect(FileManager.default.fileExists(atPath: out + "/final.mp4"))
}
