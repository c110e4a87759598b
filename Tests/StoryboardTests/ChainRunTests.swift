import Foundation
import MediaKit
import MediaTestSupport
import Presets
import Segmind
import SegmindSimulator
import Testing

@testable import Storyboard

@Test func aThreeShotChainRunsOnTheSimulatorAndEachShotStartsFromTheLastFrame() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    let (report, submissions) = try await withSimulator { sim, client in
        let report = try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
        return (report, await sim.submissionCount())
    }
    #expect(submissions == 3)
    #expect(report.shots.map(\.id) == ["a", "b", "c"])
    for shot in report.shots {
        // The simulator renders duration x 24 + 1 frames at 24 fps; ffprobe agrees on the file.
        let d = try #require(shot.durationSeconds)
        #expect(abs(d - 3.0417) < 0.01, "\(shot.id): \(d)")
        let probe = try runProcess(
            "/usr/bin/ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
                out + "/" + shot.file,
            ])
        #expect(String(decoding: probe.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "73")
        #expect(shot.requestID != nil)
        #expect(shot.costUSD != nil)
    }
    #expect(report.shots[2].checks.map(described).contains { $0.hasPrefix("audio: expected yes, got yes (aac") })
    #expect(report.shots[0].checks.map(described).contains("audio: expected no, got no"))
    #expect(
        report.shots[0].checks.map(described).contains {
            $0.hasPrefix("decode: expected every frame decodes, got ") && $0.hasSuffix("frames decoded cleanly")
        })
    #expect(report.shots[0].checks.map(described).contains { $0.hasPrefix("duration: expected 3 s") })
    // Each later shot's first frame is the previous shot's exact last frame (fitted, re-encoded).
    #expect(report.seams.count == 2)
    for seam in report.seams { #expect((seam.psnr ?? 0) >= 35, "\(seam)") }
    // The last-frame PNG is the video's last frame per the ffmpeg CLI.
    let oracle = dir.appendingPathComponent("oracle-last.png").path
    _ = try runProcess("/usr/bin/ffmpeg", ["-v", "error", "-sseof", "-0.2", "-i", out + "/shots/a.mp4", "-update", "1", "-y", oracle])
    let ours = try ImageFile.read(out + "/frames/a-last.png")
    #expect((ours.psnr(try ImageFile.read(oracle)) ?? 0) >= 45)
    // final.mp4: the three shots joined with drop-first seams: 3 x 73 frames minus one per seam, and per ffprobe
    // the duration of those 217 frames at 24 fps.
    #expect(report.final == "final.mp4")
    #expect(report.finalFrames == 3 * 73 - 2)
    let finalPath = out + "/final.mp4"
    let finalProbe = try runProcess(
        "/usr/bin/ffprobe",
        [
            "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames,duration", "-of",
            "default=nw=1", finalPath,
        ]
    ).stdoutText
    #expect(finalProbe.contains("nb_read_frames=217"), "\(finalProbe)")
    let finalDuration = try #require(finalProbe.split(separator: "\n").first { $0.hasPrefix("duration=") }.flatMap { Double($0.dropFirst(9)) })
    #expect(abs(finalDuration - 217.0 / 24.0) < 0.001, "\(finalDuration)")
    // At each seam the final video shows the previous shot's exact last frame, then the next shot's second frame.
    for (index, shot) in [(72, "a"), (144, "b")] {
        let atSeam = try FrameExtractor.extract(from: finalPath, .index(index)).image
        #expect((atSeam.psnr(try ImageFile.read(out + "/frames/\(shot)-last.png")) ?? 0) >= 35, "\(shot) at \(index)")
    }
    for (index, shot) in [(73, "b"), (145, "c")] {
        let afterSeam = try FrameExtractor.extract(from: finalPath, .index(index)).image
        let secondFrame = try FrameExtractor.extract(from: out + "/shots/\(shot).mp4", .index(1)).image
        #expect((afterSeam.psnr(secondFrame) ?? 0) >= 35, "\(shot) at \(index)")
    }
    let json = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
    #expect(String(decoding: json, as: UTF8.self).contains("\"request_id\""))
    #expect(String(decoding: json, as: UTF8.self).contains("\"final\" : \"final.mp4\""))
    #expect(FileManager.default.fileExists(atPath: out + "/report.md"))
    // The contact sheet: one row per shot, first and last frames as 320x180 thumbnails with 8 px gaps.
    let sheet = try ImageFile.read(out + "/contact-sheet.png")
    #expect(sheet.width == 2 * 320 + 3 * 8)
    #expect(sheet.height == 3 * (180 + 8) + 8)
    let thumb = try ImageFile.read(out + "/frames/b-last.png").resized(width: 320, height: 180, mode: .fit)
    var cell = PixelImage(width: 320, height: 180, red: 0, green: 0, blue: 0)
    for y in 0..<180 {
        let src = ((8 + 188 + y) * sheet.width + 8 + 328) * 3
        cell.pixels.replaceSubrange((y * 960)..<(y * 960 + 960), with: sheet.pixels[src..<(src + 960)])
    }
    #expect((cell.psnr(thumb) ?? 0) >= 40)
}

struct Crash: Error {}

/// A check as the old report strings had it: `name: expected E, got A`.
private func described(_ check: VerificationCheck) -> String { "\(check.name): expected \(check.expected), got \(check.actual)" }

@Test(arguments: CrashPoint.allCases)
func aCrashAtEveryJournalStepResumesWithEveryShotSubmittedOnce(point: CrashPoint) async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in
            guard p == point && shot == "b" else { return }
            // KNOWN LIMITATION: the frame server's URLs do not survive a restart, so a crash before the service has
            // fetched the published inputs makes the resumed job fail. The simulator fetches them right after the
            // submit; give it that moment before "crashing" after the id is journaled.
            if p == .afterRequestID { try await Task.sleep(for: .seconds(1)) }
            throw Crash()
        }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        let afterCrash = await sim.submissionCount()
        #expect(afterCrash == (point == .afterIntent ? 1 : 2))
        options.crashPoint = nil
        switch point {
        case .afterIntent, .afterSubmitSent:
            // The id never reached the journal: the run stops naming the shot and sends nothing.
            await #expect(throws: StoryboardError.outcomeUnknown(shot: "b")) {
                try await ChainRunner(plan: plan, client: client, options: options).run()
            }
            #expect(await sim.submissionCount() == afterCrash)
            if point == .afterIntent {
                // The user checked and nothing was accepted: --resubmit b pays for it once.
                options.resubmit = ["b"]
                let report = try await ChainRunner(plan: plan, client: client, options: options).run()
                #expect(report.shots.count == 3)
                #expect(await sim.submissionCount() == 3)
            }
        default:
            let report = try await ChainRunner(plan: plan, client: client, options: options).run()
            #expect(report.shots.map(\.id) == ["a", "b", "c"])
            #expect(await sim.submissionCount() == 3)
            for seam in report.seams { #expect((seam.psnr ?? 0) >= 35) }
            // A further run redoes nothing.
            _ = try await ChainRunner(plan: plan, client: client, options: options).run()
            #expect(await sim.submissionCount() == 3)
        }
    }
}

@Test func maxCostStopsBeforeSpending() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        // 3 s std: $0.63, $0.63 and $0.84 with audio = $2.10.
        let options = ChainOptions(outDirectory: out, maxCostUSD: 2.0)
        await #expect(throws: StoryboardError.overBudget(estimatedUSD: 2.1, maxUSD: 2.0)) {
            try await ChainRunner(plan: plan, client: client, options: options).run()
        }
        #expect(await sim.submissionCount() == 0)
    }
}

@Test func anExpiredRequestStopsNamingTheShotAndOnlyResubmitPaysAgain() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in if p == .afterRequestID && shot == "b" { throw Crash() } }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        options.crashPoint = nil
        await sim.expireAllRequests()
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        guard case .expired(let shot, _)? = error else {
            Issue.record("expected .expired, got \(String(describing: error))")
            return
        }
        #expect(shot == "b")
        #expect(await sim.submissionCount() == 2)
        options.resubmit = ["b"]
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.count == 3)
        #expect(await sim.submissionCount() == 4)
    }
}

/// Collects progress events from concurrently running shots.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String] = []
    func add(_ e: ChainEvent) { lock.withLock { events.append("\(e.shot) \(e.state)") } }
    var all: [String] { lock.withLock { events } }
}

@Test(arguments: [1, 2])
func independentShotsRunConcurrentlyUpToTheLimit(concurrency: Int) async throws {
    let (chain, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("pair.yaml").path
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3}
    shots:
      - {id: a, prompt: one, start_image: start.png}
      - {id: b, prompt: two, start_image: end.png}
      - {id: c, prompt: three, start_image: shot:a}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: ModelCatalog(models: chain.shots.map(\.model)))
    let log = EventLog()
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        let options = ChainOptions(outDirectory: out, concurrency: concurrency, pollInterval: 0.05, progress: { log.add($0) })
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.map(\.id) == ["a", "b", "c"])
        #expect(await sim.submissionCount() == 3)
    }
    let events = log.all
    let bStarts = try #require(events.firstIndex(of: "b SUBMITTING"))
    let aDone = try #require(events.firstIndex(of: "a DONE"))
    let cStarts = try #require(events.firstIndex(of: "c SUBMITTING"))
    // c always waits for a; b overlaps a only when two may run at once.
    #expect(cStarts > aDone)
    #expect((bStarts < aDone) == (concurrency == 2), "\(events)")
}
