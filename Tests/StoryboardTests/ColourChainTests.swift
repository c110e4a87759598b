import Foundation
import MediaKit
import MediaTestSupport
import SegmindSimulator
import Testing

@testable import Storyboard

/// Drift as people meet it: each continuation 3 L* darker, 8% more saturated and 6% more contrasted at its last
/// frame, and a 3-frame hold of the seed at the head of every shot.
private var drifting: SimulatorDefects {
    var d = SimulatorDefects()
    d.brightness = -3
    d.saturation = 0.08
    d.contrast = 0.06
    d.holdFrames = 3
    return d
}

/// Runs the six-shot chain under `colour` and returns its report, its out folder and the final video decoded by ffmpeg.
private func sixShots(colour: String) async throws -> (ChainReport, String, DecodedFrames, URL) {
    let (plan, dir) = try chainPlan(prompts: (1...6).map { "shot \($0)" }, defaults: "seam: auto, color_match: \(colour)")
    let out = dir.appendingPathComponent("out").path
    let report = try await withSimulator(defectSimulator(drifting)) { _, client in
        try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
    }
    return (report, out, try DecodedFrames(out + "/final.mp4"), dir)
}

/// The frame index where each shot after the first starts in the final video.
private func seamIndices(_ report: ChainReport) -> [Int] {
    let counts = (report.assembly ?? []).map(\.framesOut)
    return counts.indices.dropFirst().map { counts[..<$0].reduce(0, +) }
}

@Test func aDriftingSixShotChainWithSeamAutoMatchedToTheAnchorEndsInItsStartColoursWithNoHeldFrames() async throws {
    let (report, out, final, dir) = try await sixShots(colour: "anchor")
    defer { try? FileManager.default.removeItem(at: dir) }
    let n = final.frames.count
    let endToStart = final.deltaE(n - 1, 0)
    let steps = (1..<n).map { final.deltaE($0 - 1, $0) }
    print("anchor: final last vs first \(String(format: "%.2f", endToStart)) dE, largest step \(String(format: "%.2f", steps.max() ?? 0)) dE")
    #expect(endToStart <= 2.3, "last frame \(endToStart) dE from the first")
    #expect(
        (steps.max() ?? 0) <= 1.0, "largest step between consecutive frames \(steps.max() ?? 0) dE at \(steps.firstIndex(of: steps.max() ?? 0) ?? -1)"
    )
    // Every shot but the anchor hands on its corrected last frame, and the next one started from it.
    for shot in report.shots {
        #expect(shot.colorMatch == "anchor")
        #expect(shot.colorTransfer != nil && shot.seedFrame == "frames/\(shot.id)-seed.png", "\(shot.id)")
        #expect(FileManager.default.fileExists(atPath: out + "/frames/\(shot.id)-last.png"))
        #expect(shot.driftDeltaE != nil && shot.finalDriftDeltaE != nil, "\(shot.id)")
    }
    // As generated, each shot drifts by about one shot's worth from the anchor; in the final video by much less.
    for shot in report.shots.dropFirst() {
        #expect((shot.driftDeltaE ?? 0) > 2, "\(shot.id) drift \(shot.driftDeltaE ?? 0)")
        #expect((shot.finalDriftDeltaE ?? 99) < 2.3, "\(shot.id) final drift \(shot.finalDriftDeltaE ?? 99)")
    }
    #expect(report.seams.allSatisfy { ($0.deltaE ?? 99) < 1 }, "\(report.seams.map(\.deltaE))")
    checkSeams(report, out: out, final: final)
}

@Test func theSameChainWithoutColourMatchingDriftsVisibly() async throws {
    let (report, _, final, dir) = try await sixShots(colour: "off")
    defer { try? FileManager.default.removeItem(at: dir) }
    let n = final.frames.count
    let endToStart = final.deltaE(n - 1, 0)
    print("off: final last vs first \(String(format: "%.2f", endToStart)) dE")
    #expect(endToStart > 10, "only \(endToStart) dE of drift over six shots")
    #expect(report.shots.allSatisfy { $0.colorTransfer == nil && $0.seedFrame == nil && $0.colorMatch == "off" })
    // The drift compounds: the last shot as generated is much further from the anchor than the second.
    #expect((report.shots[5].driftDeltaE ?? 0) > 3 * (report.shots[1].driftDeltaE ?? 99))
}

/// `seam: auto` on the six-shot chain: the held frames trimmed at every seam, the frames counted exactly.
private func checkSeams(_ report: ChainReport, out: String, final: DecodedFrames) {
    // Each later shot starts on the seed and holds it 3 frames: 4 frames trimmed at its head, none at the tails.
    #expect(report.seams.count == 5)
    for seam in report.seams {
        #expect(seam.trimmedHead == 4 && seam.trimmedTail == 0, "\(seam)")
        #expect(seam.fromFrame.map { FileManager.default.fileExists(atPath: out + "/" + $0) } == true)
        #expect(seam.toFrame.map { FileManager.default.fileExists(atPath: out + "/" + $0) } == true)
        #expect((seam.differenceRatio ?? 0) > 0.3, "\(seam)")
    }
    let trimmed = report.seams.map { ($0.trimmedHead ?? 0) + ($0.trimmedTail ?? 0) }.reduce(0, +)
    #expect(final.frames.count == 6 * 73 - trimmed)
    #expect(report.finalFrames == 6 * 73 - trimmed)
    // No held frame is left at a seam: the frames around it change like the shots' own motion.
    let moves = (1..<final.frames.count).map { final.difference($0 - 1, $0) }.sorted()
    let median = moves[moves.count / 2]
    for at in seamIndices(report) {
        for i in (at - 1)...(at + 1) {
            let d = final.difference(i, i + 1)
            #expect(d > 0.3 * median, "frames \(i), \(i + 1) around the seam at \(at) differ by \(d) (median \(median))")
        }
    }
}
