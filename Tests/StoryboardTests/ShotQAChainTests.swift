import Foundation
import MediaKit
import MediaTestSupport
import SegmindSimulator
import Testing

@testable import Storyboard

@Test func injectedFreezeBlackAndCutAreFoundOnExactlyTheShotsThatHaveThemAndNothingIsPaidAgain() async throws {
    var defects = SimulatorDefects()
    defects.faults = [
        VideoFault(kind: .freeze, prompt: "FREEZE", start: 1.0, seconds: 1.0),
        VideoFault(kind: .black, prompt: "BLACK", start: 1.5, seconds: 0.5),
        VideoFault(kind: .cut, prompt: "CUT", start: 1.5, seconds: 0),
    ]
    // A night scene: the simulator's cut jumps to bright squares, clearly another scene.
    let (plan, dir) = try chainPlan(
        prompts: ["clean", "FREEZE here", "BLACK here", "a CUT here", "clean again"], defaults: "seam: auto", start: texturedPicture(brightness: 0.4))
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator(defectSimulator(defects)) { sim, client in
        let options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        let kinds = report.shots.map { ($0.findings ?? []).map(\.kind) }
        #expect(kinds == [[], [.frozen], [.black], [.cut], []], "\(report.shots.map { "\($0.id): \($0.findings ?? [])" })")
        let frame = 1.0 / 24
        if let f = report.shots[1].findings?.first {
            #expect(abs(f.startSeconds - 1.0) <= 2 * frame && abs(f.endSeconds - 2.0) <= 2 * frame, "\(f)")
        }
        if let f = report.shots[2].findings?.first {
            #expect(abs(f.startSeconds - 1.5) <= 2 * frame && abs(f.endSeconds - 2.0) <= 2 * frame, "\(f)")
        }
        if let f = report.shots[3].findings?.first { #expect(abs(f.startSeconds - 1.5) <= 2 * frame, "\(f)") }
        let flagged = report.hasFindings
        #expect(flagged)
        #expect(report.findingLines.count == 3)
        #expect(report.findingLines[0].hasPrefix("shot s2: frozen from 1."), "\(report.findingLines)")
        // The final video is still assembled, and the findings are in report.json under their shots and in report.md.
        #expect(report.final == "final.mp4" && FileManager.default.fileExists(atPath: out + "/final.mp4"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
        let shots = try #require(json["shots"] as? [[String: Any]])
        #expect(
            shots.map { (($0["findings"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String } } == [
                [], ["frozen"], ["black"], ["cut"], [],
            ])
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        for line in report.findingLines { #expect(markdown.contains(line)) }
        // A finding is not a failed generation: the journal has no failure and a second run submits nothing.
        let journal = try String(contentsOfFile: out + "/journal.jsonl", encoding: .utf8)
        #expect(!journal.contains("\"failed\""))
        let again = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 5)
        #expect(again.findingLines == report.findingLines)
    }
}
