import Foundation
import MediaKit
import MediaTestSupport
import Segmind
import SegmindSimulator
import Testing

@testable import Storyboard

@Test func aTornLastLineIsCutAndKeptAsideBeforeTheNextAppend() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("torn-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("journal.jsonl").path
    try RunJournal(path: path).append(JournalRecord(event: "submitting", shot: "a", fingerprint: "f1"))
    let torn = #"{"event":"submitted","shot":"a","reque"#
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(torn.utf8))
    try handle.close()
    // Opening for the next run cuts the torn bytes off (keeping them aside); the next record is a line of its own.
    try RunJournal(path: path).append(JournalRecord(event: "submitted", shot: "a", requestID: "r1", statusURL: "s", responseURL: "u"))
    let records = try RunJournal.read(path)
    #expect(records.map(\.event) == ["submitting", "submitted"])
    #expect(RunJournal.states(records)["a"]?.requestID == "r1")
    let aside = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("journal.jsonl.torn-") }
    #expect(aside.count == 1)
    #expect(try String(contentsOfFile: dir.appendingPathComponent(aside[0]).path, encoding: .utf8) == torn)
}

@Test func aSecondRunOnTheSameFolderIsRefusedAtOnceAndSendsNothing() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let held = try RunLock(folder: out)
    try await withSimulator { sim, client in
        let error = await #expect(throws: StoryboardError.self) {
            try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
        }
        #expect(error == .locked(path: out, pid: getpid()))
        #expect(error?.description.contains("process \(getpid())") == true)
        #expect(await sim.submissionCount() == 0)
    }
    withExtendedLifetime(held) {}
}

@Test func aRejectedSubmitIsJournaledAndTheNextRunSubmitsWithoutAsking() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0.2, scale: 0.5, apiKey: "right-key"))
    do {
        try await AsyncHTTPTransport.withTransport { transport in
            let wrong = SegmindClient(
                configuration: try SegmindConfiguration(baseURL: simulator.baseURL, apiKey: APIKey("wrong-key")), transport: transport)
            let options = ChainOptions(outDirectory: out, pollInterval: 0.05)
            let error = await #expect(throws: SegmindError.self) { try await ChainRunner(plan: plan, client: wrong, options: options).run() }
            #expect(error?.status == 401)
            let states = RunJournal.states(try RunJournal.read(out + "/journal.jsonl"))
            #expect(states["a"]?.outcomeUnknown == false)
            #expect(states["a"]?.rejection?.status == 401)
            // Fixed (the right key): the run submits again without --resubmit, each shot once.
            let right = SegmindClient(
                configuration: try SegmindConfiguration(baseURL: simulator.baseURL, apiKey: APIKey("right-key")), transport: transport)
            let report = try await ChainRunner(plan: plan, client: right, options: options).run()
            #expect(report.shots.count == 3)
            #expect(await simulator.submissionCount() == 3)
        }
        await simulator.stop()
    } catch {
        await simulator.stop()
        throw error
    }
}

@Test func resubmitResolvesOneRecordAndIsANoOpOnceResolved() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in if p == .afterIntent && shot == "b" { throw Crash() } }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        options.crashPoint = nil
        options.resubmit = ["b"]
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 3)
        // The same command line again pays nothing more.
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(await sim.submissionCount() == 3)
        let resubmits = try RunJournal.read(out + "/journal.jsonl").filter { $0.event == "resubmit" }
        #expect(resubmits.count == 1)
    }
}

@Test func aDownloadWhoseFileIsGoneIsFetchedAgainWithoutANewSubmit() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        let options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        _ = try await ChainRunner(plan: plan, client: client, options: options).run()
        let original = try Data(contentsOf: URL(fileURLWithPath: out + "/shots/b.mp4"))
        try FileManager.default.removeItem(atPath: out + "/shots/b.mp4")
        try Data(original.prefix(1000)).write(to: URL(fileURLWithPath: out + "/shots/c.mp4"))
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.count == 3)
        #expect(await sim.submissionCount() == 3)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/shots/b.mp4")) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/shots/c.mp4")).count > 1000)
    }
}

@Test func theBudgetCountsJournaledRequestsAtTheirEstimateUntilTheirCostIsKnown() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        // a and b submitted and journaled (b not downloaded): $0.63 + $0.63 paid; c ($0.84 with audio) is still to come.
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in if p == .afterRequestID && shot == "b" { throw Crash() } }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        options.crashPoint = nil
        options.maxCostUSD = 1.9
        await #expect(throws: StoryboardError.overBudget(estimatedUSD: 2.1, maxUSD: 1.9)) {
            try await ChainRunner(plan: plan, client: client, options: options).run()
        }
        #expect(await sim.submissionCount() == 2)
    }
}

@Test func aLostSubmitAnswerIsFoundInTheHistoryAndPolledWithoutASecondSubmit() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator(history: true) { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        // The service accepted b's submit, but the process died before its id reached the journal.
        options.crashPoint = { p, shot in
            guard p == .afterSubmitSent && shot == "b" else { return }
            // Frame-server URLs do not survive the run yet: let the service fetch b's inputs before "dying".
            try await Task.sleep(for: .seconds(3))
            throw Crash()
        }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        #expect(await sim.submissionCount() == 2)
        options.crashPoint = nil
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.count == 3)
        #expect(await sim.submissionCount() == 3)
        let found = try RunJournal.read(out + "/journal.jsonl").filter { $0.event == "submitted" && $0.message == "from history" }
        #expect(found.map(\.shot) == ["b"])
        #expect(report.shots[1].requestID == found.first?.requestID)
    }
}

@Test func aSubmitTheHistoryDoesNotKnowStaysUnknownSayingWhatWasSearched() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator(history: true) { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in if p == .afterIntent && shot == "b" { throw Crash() } }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        options.crashPoint = nil
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        guard case .unreconciled(let shot, let searched)? = error else {
            Issue.record("expected unreconciled, got \(String(describing: error))")
            return
        }
        #expect(shot == "b")
        #expect(searched.contains(" of kling-o3-image2video from "), "\(searched)")
        #expect(await sim.submissionCount() == 1)
    }
}

@Test func anExpiredRecordIsRecoveredFromTheHistoryWithoutASecondSubmit() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator(history: true) { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        options.crashPoint = { p, shot in
            guard p == .afterRequestID && shot == "b" else { return }
            try await Task.sleep(for: .seconds(3))  // b finishes on the service meanwhile
            throw Crash()
        }
        await #expect(throws: Crash.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        options.crashPoint = nil
        await sim.expireAllRequests()
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.count == 3)
        #expect(await sim.submissionCount() == 3)
        #expect(report.shots[1].costUSD != nil)
    }
}

@Test func aFailedJobStaysFailedSaysWhatToDoAndRedoPaysForANewTake() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("board.yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "{id: b, prompt: two", with: "{id: b, prompt: \"two [fail]\"").write(
        toFile: path, atomically: true, encoding: .utf8)
    let failing = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: ModelCatalog(models: plan.shots.map(\.model)))
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        var options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        let error = await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: failing, client: client, options: options).run() }
        guard case .jobFailed(let shot, _, _, _)? = error else {
            Issue.record("expected jobFailed, got \(String(describing: error))")
            return
        }
        #expect(shot == "b")
        #expect(error?.description.contains("--redo b") == true)
        #expect(await sim.submissionCount() == 2)
        // Run again as is: the failed job is not paid for again, and the run says the same.
        await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: failing, client: client, options: options).run() }
        #expect(await sim.submissionCount() == 2)
        // Fixed and redone: a new take of b, then c.
        options.redo = ["b"]
        let report = try await ChainRunner(plan: plan, client: client, options: options).run()
        #expect(report.shots.map(\.take) == [1, 2, 1])
        #expect(await sim.submissionCount() == 4)
    }
}

@Test func aFailingSiblingWithThreeAtATimeLeavesEveryAcceptedRequestJournaled() async throws {
    let (chain, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("four.yaml").path
    try """
    defaults: {model: kling-o3-image2video, mode: std, duration: 3}
    shots:
      - {id: a, prompt: one, start_image: start.png}
      - {id: b, prompt: "two [fail]", start_image: end.png}
      - {id: c, prompt: three, start_image: start.png}
      - {id: d, prompt: four, start_image: end.png}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: ModelCatalog(models: chain.shots.map(\.model)))
    let out = dir.appendingPathComponent("out").path
    // b fails while a and c are in flight: the run stops, and every request the service accepted is on disk.
    try await withSimulator { sim, client in
        let options = ChainOptions(outDirectory: out, concurrency: 3, pollInterval: 0.05)
        await #expect(throws: StoryboardError.self) { try await ChainRunner(plan: plan, client: client, options: options).run() }
        let submitted = Set(try RunJournal.read(out + "/journal.jsonl").filter { $0.event == "submitted" }.compactMap(\.requestID))
        #expect(submitted.count >= 3)
        #expect(await sim.submissionCount() == submitted.count)
    }
}

@Test func uploadedInputsNeedNoFrameServerAndEachFileIsUploadedOncePerRunFolder() async throws {
    let (plan, dir) = try threeShotPlan()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path
    try await withSimulator { sim, client in
        let options = ChainOptions(outDirectory: out, pollInterval: 0.05)
        let ledger = UploadLedger(path: out + "/uploads.jsonl")
        let report = try await ChainRunner(plan: plan, client: client, options: options)
            .run(publishingThrough: StorageUploader(client: client, cache: ledger))
        #expect(report.shots.count == 3)
        // start.png, end.png, and the last frames of a and b: four distinct files, four uploads.
        #expect(await sim.uploadCount() == 4)
        let bodies = try RunJournal.read(out + "/journal.jsonl").filter { $0.event == "submitting" }.compactMap(\.body)
        let urls = bodies.flatMap { ShotPipeline.urls(in: $0) }
        #expect(urls.count == 4)
        #expect(urls.allSatisfy { $0.hasPrefix(sim.baseURL + "/assets/") }, "\(urls)")
        #expect(await sim.failedFetches().isEmpty)
        // Again, with a fresh ledger object on the same folder: nothing is uploaded twice.
        _ = try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05))
            .run(publishingThrough: StorageUploader(client: client, cache: UploadLedger(path: out + "/uploads.jsonl")))
        #expect(await sim.uploadCount() == 4)
        #expect(await sim.submissionCount() == 3)
    }
}
