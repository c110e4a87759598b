import Foundation
import MediaTestSupport
import Testing

/// A folder holding the bundled demo storyboard and its two images (made with the ffmpeg CLI).
private func demoFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets/storyboards/demo.yaml")
    try FileManager.default.copyItem(at: demo, to: dir.appendingPathComponent("demo.yaml"))
    _ = try runProcess(
        "/usr/bin/ffmpeg",
        ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("demo-start.png").path])
    _ = try runProcess(
        "/usr/bin/ffmpeg",
        ["-v", "error", "-f", "lavfi", "-i", "color=c=orange:s=640x360", "-frames:v", "1", dir.appendingPathComponent("demo-end.png").path])
    return dir
}

@Test func chainDemoRunsOfflineAndARerunRedoesNothing() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let exe = try shotchainExecutable()
    let out = dir.appendingPathComponent("out").path
    let run = try runProcess(exe, ["chain", "demo.yaml", "--simulate", "--out", out, "--progress", "never"], currentDirectory: dir)
    #expect(run.status == 0, "\(run.stderrText)")
    #expect(run.stdoutText.contains("seam dawn -> boats: PSNR"))
    for shot in ["dawn", "boats", "song"] {
        let probe = try runProcess(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", "\(out)/shots/\(shot).mp4"])
        let d = Double(probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(abs(d - (shot == "song" ? 4.042 : 5.042)) < 0.05, "\(shot): \(d)")
    }
    let journal = try String(contentsOfFile: "\(out)/journal.jsonl", encoding: .utf8)
    #expect(journal.split(separator: "\n").count == 12)
    let again = try runProcess(exe, ["chain", "demo.yaml", "--simulate", "--out", out, "--progress", "never"], currentDirectory: dir)
    #expect(again.status == 0)
    #expect(try String(contentsOfFile: "\(out)/journal.jsonl", encoding: .utf8) == journal)
}

@Test func chainReportsEveryStoryboardProblemAtOnceAndSendsNothing() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try """
    defaults: {model: kling-o3-image2video}
    shots:
      - {id: a, prompt: x, start_image: previous}
      - {id: b, prompt: y, model: nope}
      - {id: c, prompt: z, start_image: demo-start.png, duration: 99}
    """.write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let run = try runProcess(try shotchainExecutable(), ["chain", "bad.yaml", "--simulate"], currentDirectory: dir, check: false)
    #expect(run.status == 2)
    #expect(run.stderrText.contains("4 problems"))
    #expect(run.stderrText.contains("shot a, start_image: required url parameter is missing"))
    #expect(run.stderrText.contains("shot a, start_image: previous: there is no previous shot"))
    #expect(run.stderrText.contains("shot b, model: unknown model nope"))
    #expect(run.stderrText.contains("shot c, duration:"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad-out").path))
}

@Test func chainDryRunPrintsThePlanAndMaxCostRefuses() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let exe = try shotchainExecutable()
    let plan = try runProcess(exe, ["chain", "demo.yaml", "--dry-run"], currentDirectory: dir)
    #expect(plan.stdoutText.contains("estimated cost $3.22; estimated time ~756 s"))
    let refused = try runProcess(exe, ["chain", "demo.yaml", "--simulate", "--max-cost", "3"], currentDirectory: dir, check: false)
    #expect(refused.status == 1)
    #expect(refused.stderrText.contains("estimated cost $3.22 is above --max-cost $3"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo-out").path))
}

@Test func chainAgainstARemoteAPIRefusesLoopbackInputsBeforeSending() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let exe = try shotchainExecutable()
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = "test-key-not-sent"
    environment["SHOTCHAIN_PUBLIC_URL"] = nil
    // Serving from loopback to an API elsewhere: refused before any request (192.0.2.1, TEST-NET-1, is never contacted).
    let run = try runProcess(
        exe, ["chain", "demo.yaml", "--base-url", "https://192.0.2.1", "--inputs", "serve", "--progress", "never"], environment: environment,
        currentDirectory: dir, check: false)
    #expect(run.status == 2, "\(run.stderrText)")
    #expect(run.stderrText.contains("--public-url"), "\(run.stderrText)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo-out/journal.jsonl").path))
    // The report keys are snake_case, and report.json says how each shot went into the video.
    let out = dir.appendingPathComponent("out").path
    let ok = try runProcess(exe, ["chain", "demo.yaml", "--simulate", "--out", out, "--progress", "never", "--json"], currentDirectory: dir)
    let report = try #require(try JSONSerialization.jsonObject(with: ok.stdout) as? [String: Any])
    #expect(report["spent_usd"] != nil && report["final_frames"] != nil)
    let assembly = try #require(report["assembly"] as? [[String: Any]])
    #expect(assembly.map { $0["shot"] as? String } == ["dawn", "boats", "song"])
    let check = try #require((report["shots"] as? [[String: Any]])?.first?["checks"] as? [[String: Any]])
    #expect(check.contains { $0["name"] as? String == "duration" && $0["passed"] as? Bool == true })
}

@Test func aModelWithoutAPriceIsNotFreeUnderMaxCost() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try """
    shots:
      - {id: v, model: kling-o1-video-to-video-reference, prompt: "Based on @Video1, the next shot", video_url: "https://example.test/v.mp4"}
    """.write(to: dir.appendingPathComponent("v2v.yaml"), atomically: true, encoding: .utf8)
    let exe = try shotchainExecutable()
    let plan = try runProcess(exe, ["chain", "v2v.yaml", "--dry-run"], currentDirectory: dir)
    #expect(plan.stdoutText.contains("price unknown"), "\(plan.stdoutText)")
    #expect(!plan.stdoutText.contains("~$0.00"))
    let refused = try runProcess(exe, ["chain", "v2v.yaml", "--dry-run", "--max-cost", "0.5"], currentDirectory: dir, check: false)
    #expect(refused.status == 1)
    #expect(refused.stderrText.contains("kling-o1-video-to-video-reference has no published price"), "\(refused.stderrText)")
    // An estimate given on the command line is used: $1.42 is above $0.50.
    let priced = try runProcess(
        exe, ["chain", "v2v.yaml", "--dry-run", "--max-cost", "0.5", "--price", "kling-o1-video-to-video-reference=1.42"], currentDirectory: dir,
        check: false)
    #expect(priced.status == 1)
    #expect(priced.stderrText.contains("estimated cost $1.42 is above --max-cost $0.5"), "\(priced.stderrText)")
}

@Test func aStoryboardNamingAnUnreachableInputURLStopsBeforeAnySubmit() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Port 1 on loopback: nothing listens there, as for a typo'd or expired link.
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3}
    shots:
      - {id: a, prompt: one, start_image: demo-start.png}
      - {id: b, prompt: two, start_image: "http://127.0.0.1:1/missing.png"}
    """.write(to: dir.appendingPathComponent("bad-url.yaml"), atomically: true, encoding: .utf8)
    let run = try runProcess(
        try shotchainExecutable(), ["chain", "bad-url.yaml", "--simulate", "--out", "out", "--progress", "never"], currentDirectory: dir, check: false
    )
    #expect(run.status == 2, "\(run.stderrText)")
    #expect(run.stderrText.contains("shot b, image_url: not reachable: http://127.0.0.1:1/missing.png"), "\(run.stderrText)")
    let journal = (try? String(contentsOf: dir.appendingPathComponent("out/journal.jsonl"), encoding: .utf8)) ?? ""
    #expect(!journal.contains("submitting"))
}

@Test func aPublicURLThatDoesNotReachTheFrameServerStopsBeforeAnySubmit() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Nothing listens on loopback port 1: a tunnel that is not up.
    let run = try runProcess(
        try shotchainExecutable(), ["chain", "demo.yaml", "--simulate", "--public-url", "http://127.0.0.1:1", "--out", "out", "--progress", "never"],
        currentDirectory: dir, check: false)
    #expect(run.status == 2, "\(run.stderrText)")
    #expect(run.stderrText.contains("--public-url http://127.0.0.1:1 does not reach this machine's frame server"), "\(run.stderrText)")
    let journal = (try? String(contentsOf: dir.appendingPathComponent("out/journal.jsonl"), encoding: .utf8)) ?? ""
    #expect(!journal.contains("submitting"))
}

@Test func chainInputsUploadRunsTheDemoWithNoFrameServerURL() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    let run = try runProcess(
        try shotchainExecutable(), ["chain", "demo.yaml", "--simulate", "--inputs", "upload", "--out", out, "--progress", "never"],
        currentDirectory: dir, check: false)
    #expect(run.status == 0, "\(run.stderrText)")
    let journal = try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8)
    #expect(!journal.contains("/f/"))
    #expect(journal.contains("/assets/"))
    // demo-start.png, dawn's last frame, demo-end.png and boats' last frame: one upload each.
    let uploads = try String(contentsOfFile: out + "/uploads.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(uploads.count == 4)
}
