import Foundation
import MediaKit
import MediaTestSupport
import Presets
import Segmind
import SegmindSimulator
import Testing

@testable import Storyboard

/// `plan` with shot `id`'s prompt replaced.
private func editing(_ plan: ChainPlan, _ id: String, prompt: String, dir: URL) throws -> ChainPlan {
    let path = dir.appendingPathComponent("board.yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "{id: \(id), prompt: ", with: "{id: \(id), prompt: \(prompt) ").write(
        toFile: path, atomically: true, encoding: .utf8)
    return try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: ModelCatalog(models: plan.shots.map(\.model)))
}

@Test func anEditStopsNamingEveryShotItInvalidatesAndRegeneratePaysForExactlyThose() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 3)
        let firstTake = try Data(contentsOf: URL(fileURLWithPath: out + "/shots/a.mp4"))
        let edited = try editing(plan, "a", prompt: "a brighter", dir: dir)
        // The edit of a invalidates b and c (both built on it, directly or not): nothing is sent, all three named.
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: edited, client: client, options: options).run() }
        guard case .regenerationNeeded(_, let shots, let cost)? = error else {
            Issue.record("expected regenerationNeeded, got \(String(describing: error))")
            return
        }
        #expect(shots.map(\.id) == ["a", "b", "c"])
        #expect(shots[0].reason == "edited" && shots[1].reason.contains("built on a"))
        #expect(abs(cost - 2.1) < 1e-9)
        #expect(error?.description.contains("--regenerate") == true)
        #expect(await sim.submissionCount() == 3)
        // --regenerate pays for exactly those three; the earlier takes stay on disk.
        options.regenerate = true
        let report = try await ChainRunner(plan: edited, client: client, options: options).run()
        #expect(await sim.submissionCount() == 6)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/shots/a.mp4")) == firstTake)
        #expect(report.shots.map(\.file) == ["shots/a.take2.mp4", "shots/b.take2.mp4", "shots/c.take2.mp4"])
        #expect(report.shots.allSatisfy { $0.take == 2 && $0.takes.count == 2 })
        // The new b starts from the new a's exact last frame, and the frames on disk are the takes in use.
        let aLast = try FrameExtractor.extract(from: out + "/shots/a.take2.mp4", .last).image
        let bFirst = try FrameExtractor.extract(from: out + "/shots/b.take2.mp4", .first).image
        #expect((aLast.psnr(bFirst) ?? 0) >= 35)
        #expect((try ImageFile.read(out + "/frames/a-last.png").psnr(aLast) ?? 0) >= 45)
        // The same command again pays nothing more.
        _ = try await ChainRunner(plan: edited, client: client, options: options).run()
        #expect(await sim.submissionCount() == 6)
    }
}

@Test func redoRollsANewTakeAndPickPutsAnEarlierOneBackRegeneratingWhatDependsOnIt() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        // --redo b: a new take of b, and c (built on b) regenerated; a untouched.
        options.redo = ["b"]
        let redone = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 5)
        #expect(redone.shots.map(\.take) == [1, 2, 2])
        // --pick b=1: the first take of b back in use; c regenerated from it (a third take of c).
        options.redo = []
        options.pick = ["b": 1]
        let picked = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 6)
        #expect(picked.shots.map(\.take) == [1, 1, 3])
        #expect(picked.shots[1].file == "shots/b.mp4")
        #expect(FileManager.default.fileExists(atPath: out + "/shots/b.take2.mp4"))
        // The same command again pays nothing more; a take that does not exist is refused naming it.
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 6)
        options.pick = ["b": 7]
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        #expect(error?.description.contains("take 7 is not a finished take") == true)
    }
}

@Test func editingAnInputFileInPlaceChangesTheFingerprint() throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 10, green: 200, blue: 30), to: dir.appendingPathComponent("start.png").path)
    let again = try ChainPlan(
        storyboard: try StoryboardFile.load(dir.appendingPathComponent("board.yaml").path), catalog: ModelCatalog(models: plan.shots.map(\.model)))
    #expect(again.shots[0].fingerprint != plan.shots[0].fingerprint)
    #expect(again.shots[2].fingerprint == plan.shots[2].fingerprint)
}

@Test func aVideoToVideoShotFedThePreviousShotsVideoRunsOnTheSimulator() async throws {
    let (chain, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("v2v.yaml").path
    try """
    shots:
      - {id: a, model: kling-o3-image2video, mode: std, duration: 3, prompt: one, start_image: start.png}
      - {id: b, model: kling-o1-video-to-video-reference, prompt: "Based on @Video1, generate the next shot", video: previous}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: catalog)
    #expect(plan.shots[1].inputs.map(\.parameter) == ["video_url"])
    #expect(plan.shots[1].dependencies == ["a"])
    _ = chain
    let out = dir.appendingPathComponent("out").path
    // Full size: Kling's reference videos must be 720 px or more (a half-size render is refused before paying).
    try await withSimulator(SimulatorConfiguration(latency: 0.2, scale: 1)) { sim, client in
        let report = try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
        #expect(report.shots.map(\.id) == ["a", "b"])
        #expect(await sim.submissionCount() == 2)
        #expect(report.shots[1].checks.allSatisfy { $0.passed })
    }
    // The video went in as a local input (published), not as a last frame.
    let submitting = try RunJournal.read(out + "/journal.jsonl").first { $0.event == "submitting" && $0.shot == "b" }
    let url = try #require(submitting?.body?["video_url"]?.stringValue)
    #expect(url.hasSuffix("/a.mp4"), "\(url)")
}
