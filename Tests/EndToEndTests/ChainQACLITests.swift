import Foundation
import MediaTestSupport
import Testing

@Test func chainExitsOneNamingTheShotWithAFindingAndStillAssemblesTheVideo() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-qa-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try runProcess(
        "/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("start.png").path])
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3, seam: auto, color_match: anchor}
    shots:
      - {id: calm, prompt: "The harbour at dawn.", start_image: start.png}
      - {id: stuck, prompt: "The boats FREEZE in place.", start_image: previous}
    """.write(to: dir.appendingPathComponent("board.yaml"), atomically: true, encoding: .utf8)
    let exe = try shotchainExecutable()
    let out = dir.appendingPathComponent("out").path
    let arguments = ["chain", "board.yaml", "--simulate", "--video-fault", "freeze:1:1:FREEZE", "--out", out, "--progress", "never"]
    let run = try runProcess(exe, arguments, currentDirectory: dir, check: false)
    #expect(run.status == 1, "\(run.stderrText)")
    let findings = run.stdoutText.split(separator: "\n").filter { $0.hasPrefix("finding: ") }
    #expect(findings.count == 1 && findings.first?.hasPrefix("finding: shot stuck: frozen from 1.") == true, "\(run.stdoutText)")
    #expect(run.stdoutText.contains("video: \(out)/final.mp4"))
    #expect(FileManager.default.fileExists(atPath: out + "/final.mp4"))
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
    let shots = try #require(report["shots"] as? [[String: Any]])
    #expect(shots.map { ($0["findings"] as? [[String: Any]])?.count } == [0, 1])
    // Again: the same finding and the same exit status, and nothing submitted again (the journal is unchanged).
    let journal = try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8)
    let again = try runProcess(exe, arguments, currentDirectory: dir, check: false)
    #expect(again.status == 1)
    #expect(try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8) == journal)
}
