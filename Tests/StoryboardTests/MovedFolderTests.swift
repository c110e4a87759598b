import Foundation
import MediaKit
import Presets
import Segmind
import Testing

@testable import Storyboard

/// The plan of `board.yaml` in `dir`.
private func plan(in dir: URL) throws -> ChainPlan {
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    return try ChainPlan(storyboard: try StoryboardFile.load(dir.appendingPathComponent("board.yaml").path), catalog: catalog)
}

/// `dir` copied, with everything in it, to a new folder.
private func copied(_ dir: URL) throws -> URL {
    let moved = FileManager.default.temporaryDirectory.appendingPathComponent("moved-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: dir, to: moved)
    return moved
}

@Test func aFingerprintFollowsTheInputFilesBytesNotWhereTheyAre() throws {
    let (first, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let moved = try copied(dir)
    defer { try? FileManager.default.removeItem(at: moved) }
    let again = try plan(in: moved)
    #expect(again.shots.map(\.fingerprint) == first.shots.map(\.fingerprint))
    // The former fingerprint had the absolute paths: it differs for the shots with a local file (a and b).
    #expect(zip(again.shots, first.shots).map { $0.formerFingerprint == $1.formerFingerprint } == [false, false, true])
    // New bytes in the end image: b is edited, a is not.
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 10, green: 20, blue: 30), to: moved.appendingPathComponent("end.png").path)
    let edited = try plan(in: moved)
    #expect(zip(edited.shots, first.shots).map { $0.fingerprint == $1.fingerprint } == [true, false, true])
    // The start and end files swapped in the storyboard: the bytes come in another order, so b is edited.
    let board = moved.appendingPathComponent("board.yaml")
    try String(contentsOf: board, encoding: .utf8).replacingOccurrences(of: "start_image: start.png", with: "start_image: end.png")
        .write(to: board, atomically: true, encoding: .utf8)
    #expect(try plan(in: moved).shots[0].fingerprint != edited.shots[0].fingerprint)
}

@Test func aRunFolderMovedWithItsStoryboardResumesWithoutPayingAgain() async throws {
    let (first, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        let report = try await ChainRunner(plan: first, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
        #expect(report.shots.count == 3)
        #expect(await sim.submissionCount() == 3)
        let moved = try copied(dir)
        defer { try? FileManager.default.removeItem(at: moved) }
        let options = ChainOptions(outDirectory: moved.appendingPathComponent("out").path, pollInterval: 0.05)
        let again = try await ChainRunner(plan: try plan(in: moved), client: client, options: options).run()
        #expect(await sim.submissionCount() == 3, "nothing was submitted again")
        #expect(again.shots.map(\.requestID) == report.shots.map(\.requestID))
        #expect(again.finalFrames == report.finalFrames)
    }
}

@Test func aJournalWithTheFormerFingerprintsMatchesAndIsBroughtToTheCurrentOnes() async throws {
    let (first, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    let journalPath = out + "/journal.jsonl"
    try await withSimulator { sim, client in
        let options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        _ = try await ChainRunner(plan: first, client: client, options: options).run()
        // The journal as an earlier version wrote it: each submit with the former fingerprint.
        var text = try String(contentsOfFile: journalPath, encoding: .utf8)
        for shot in first.shots where shot.fingerprint != shot.formerFingerprint {
            text = text.replacingOccurrences(of: #""fingerprint":"\#(shot.fingerprint)""#, with: #""fingerprint":"\#(shot.formerFingerprint)""#)
        }
        try text.write(toFile: journalPath, atomically: true, encoding: .utf8)
        #expect(RunJournal.states(try RunJournal.read(journalPath))["a"]?.fingerprint == first.shots[0].formerFingerprint)
        // In place it matches; the run journals the current fingerprints of a and b (c had no local file).
        _ = try await ChainRunner(plan: first, client: client, options: options).run()
        let states = RunJournal.states(try RunJournal.read(journalPath))
        #expect(first.shots.map { states[$0.id]?.fingerprint } == first.shots.map(\.fingerprint))
        let upgrades = try RunJournal.read(journalPath).filter { $0.event == "fingerprint" }
        #expect(upgrades.map(\.shot) == ["a", "b"])
        // Then the folder can move.
        let moved = try copied(dir)
        defer { try? FileManager.default.removeItem(at: moved) }
        let movedOptions = ChainOptions(outDirectory: moved.appendingPathComponent("out").path, pollInterval: 0.05)
        _ = try await ChainRunner(plan: try plan(in: moved), client: client, options: movedOptions).run()
        #expect(await sim.submissionCount() == 3)
    }
}
