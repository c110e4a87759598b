import Foundation
import MediaKit
import Presets
import Segmind
import Testing

@testable import Storyboard

/// The demo plan, with its images written to a temporary folder.
private func demoPlan() throws -> (ChainPlan, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
        at: Presets.directory.appendingPathComponent("storyboards/demo.yaml"), to: dir.appendingPathComponent("demo.yaml"))
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 20, green: 60, blue: 120), to: dir.appendingPathComponent("demo-start.png").path)
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 200, green: 120, blue: 40), to: dir.appendingPathComponent("demo-end.png").path)
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    return (try ChainPlan(storyboard: try StoryboardFile.load(dir.appendingPathComponent("demo.yaml").path), catalog: catalog), dir)
}

private func records(_ plan: ChainPlan) -> [JournalRecord] {
    let f = Dictionary(uniqueKeysWithValues: plan.shots.map { ($0.id, $0.fingerprint) })
    return [
        JournalRecord(event: "submitting", shot: "dawn", fingerprint: f["dawn"]),
        JournalRecord(event: "submitted", shot: "dawn", requestID: "r-dawn", statusURL: "http://s/dawn", responseURL: "http://r/dawn"),
        JournalRecord(event: "downloaded", shot: "dawn", file: "shots/dawn.mp4", costUSD: 1.05),
        JournalRecord(event: "completed", shot: "dawn"),
        JournalRecord(event: "submitting", shot: "boats", fingerprint: f["boats"]),
        JournalRecord(event: "submitted", shot: "boats", requestID: "r-boats", statusURL: "http://s/boats", responseURL: "http://r/boats"),
    ]
}

@Test func resumeDoesNotRedoFinishedShotsAndPollsSubmittedOnes() throws {
    let (plan, dir) = try demoPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let resume = try ResumePlan(plan: plan, records: records(plan), journalPath: "j")
    #expect(resume.actions["dawn"] == .done(file: "shots/dawn.mp4"))
    #expect(resume.actions["boats"] == .poll(requestID: "r-boats", statusURL: "http://s/boats", responseURL: "http://r/boats"))
    #expect(resume.actions["song"] == .submit)
    #expect(resume.spentUSD == 1.05)
    #expect(abs(resume.remainingEstimateUSD(plan) - 1.12) < 1e-9)
    // An empty journal submits everything.
    let fresh = try ResumePlan(plan: plan, records: [], journalPath: "j")
    #expect(plan.shots.allSatisfy { fresh.actions[$0.id] == .submit })
}

@Test func anIntentWithoutRequestIDStopsUnlessResubmitted() throws {
    let (plan, dir) = try demoPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = Array(records(plan).prefix(5))
    #expect(throws: StoryboardError.outcomeUnknown(shot: "boats")) { try ResumePlan(plan: plan, records: r, journalPath: "j") }
    let resume = try ResumePlan(plan: plan, records: r, journalPath: "j", resubmit: ["boats"])
    #expect(resume.actions["boats"] == .submit)
    #expect(resume.resubmitted == ["boats"])
    #expect(throws: StoryboardError.self) { try ResumePlan(plan: plan, records: r, journalPath: "j", resubmit: ["nope"]) }
}

@Test func aJournalFromChangedShotsNamesThem() throws {
    let (plan, dir) = try demoPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    var changed = plan
    changed.shots[0].fingerprint = "0000000000000000"
    changed.shots[1].fingerprint = "1111111111111111"
    #expect(throws: StoryboardError.journalMismatch(path: "j", changed: ["dawn", "boats"])) {
        try ResumePlan(plan: changed, records: records(plan), journalPath: "j")
    }
    // Resubmitting a changed shot accepts the change for that shot only.
    #expect(throws: StoryboardError.journalMismatch(path: "j", changed: ["boats"])) {
        try ResumePlan(plan: changed, records: records(plan), journalPath: "j", resubmit: ["dawn"])
    }
}

@Test func maxCostRefusesToStartAndStopsBeforeAShotThatWouldGoOver() throws {
    let (plan, dir) = try demoPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fresh = try ResumePlan(plan: plan, records: [], journalPath: "j")
    #expect(throws: StoryboardError.overBudget(estimatedUSD: plan.estimatedUSD, maxUSD: 3)) { try fresh.checkBudget(plan, maxUSD: 3) }
    try fresh.checkBudget(plan, maxUSD: 3.22)
    try fresh.checkBudget(plan, maxUSD: nil)
    // After the first shot really cost $1.50, the third would go over $3.50.
    try ResumePlan.checkBeforeSubmit(plan.shots[1], spentUSD: 1.5, maxUSD: 3.5)
    #expect(throws: StoryboardError.budgetReached(shot: "song", spentUSD: 2.55, shotUSD: 1.12, maxUSD: 3.5)) {
        try ResumePlan.checkBeforeSubmit(plan.shots[2], spentUSD: 2.55, maxUSD: 3.5)
    }
}
