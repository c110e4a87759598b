import Foundation
import MediaKit
import MediaTestSupport
import SegmindSimulator
import Testing

@testable import Storyboard

@Test func editingAShotsColourMatchRegeneratesOnlyTheShotsBuiltOnItsSeedAndReassemblesIt() async throws {
    var drift = SimulatorDefects()
    drift.brightness = -4
    let (plan, dir) = try chainPlan(prompts: ["one", "two", "three"], defaults: "seam: auto")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator(defectSimulator(drift)) { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        let before = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 3)
        #expect(before.shots.allSatisfy { $0.seedFrame == nil })
        let final = try Data(contentsOf: URL(fileURLWithPath: out + "/final.mp4"))
        // s2's colour matched to the anchor: s2's take is still valid; s3 started from s2's raw last frame.
        let path = dir.appendingPathComponent("board.yaml").path
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "{id: s2, prompt: \"two\", start_image: previous}", with: "{id: s2, prompt: \"two\", start_image: previous, color_match: anchor}"
        ).write(toFile: path, atomically: true, encoding: .utf8)
        let edited = try planning(path)
        #expect(edited.shots[1].colour.mode == .anchor)
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: edited, client: client, options: options).run() }
        guard case .regenerationNeeded(_, let shots, _)? = error else {
            Issue.record("expected regenerationNeeded, got \(String(describing: error))")
            return
        }
        #expect(shots.map(\.id) == ["s3"])
        #expect(await sim.submissionCount() == 3)
        options.regenerate = true
        let after = try await ChainRunner(plan: edited, client: client, options: options).run()
        // One new generation: s3's. s2 is the same take, only its colour and the assembly are new.
        #expect(await sim.submissionCount() == 4)
        #expect(after.shots.map(\.take) == [1, 1, 2])
        #expect(after.shots[1].requestID == before.shots[1].requestID)
        #expect(after.shots[1].colorTransfer != nil && after.shots[1].seedFrame == "frames/s2-seed.png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.mp4")) != final)
        // s3's new take starts from s2's corrected last frame, which is nearer the anchor's colour than the raw one.
        let seed = try ImageFile.read(out + "/frames/s2-seed.png")
        let s3First = try FrameExtractor.extract(from: out + "/shots/s3.take2.mp4", .first).image
        #expect((seed.psnr(s3First) ?? 0) >= 35)
        let anchor = LabStatistics.measure(try ImageFile.read(out + "/frames/s1-first.png")).mean
        let raw = LabStatistics.measure(try ImageFile.read(out + "/frames/s2-last.png")).mean
        #expect(LabStatistics.measure(seed).mean.deltaE(anchor) < raw.deltaE(anchor) / 2)
        // Running again pays nothing and writes the same seed bytes (a pure function of the shot's file).
        let seedBytes = try Data(contentsOf: URL(fileURLWithPath: out + "/frames/s2-seed.png"))
        _ = try await ChainRunner(plan: edited, client: client, options: options).run()
        #expect(await sim.submissionCount() == 4)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/frames/s2-seed.png")) == seedBytes)
    }
}
