import Foundation
import MediaTestSupport
import Segmind
import SegmindSimulator
import Testing

private let slugs = [
    "kling-o1-image-to-video", "kling-o1-reference-image-to-video", "kling-o1-video-to-video-reference", "kling-o1", "kling-o3-image2video",
]

@Test(arguments: slugs, [false, true])
func everyModelOnBothAPIs(slug: String, sync: Bool) async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model(slug)
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(slug))
    let dir = scratch()
    let dest = dir.appendingPathComponent(model.returns == .video ? "out.mp4" : "out.jpg")
    try await withSimulator(SimulatorConfiguration(scale: 0.1)) { sim, client in
        let outcome: GenerationOutcome
        if sync {
            outcome = try await client.runSync(request, to: dest)
        } else {
            outcome = try await client.generate(request, to: dest, interval: 0.05)
            #expect(outcome.job?.slug == slug)
        }
        #expect(outcome.file.kind == model.returns)
        #expect(outcome.file.byteCount == Int64(try Data(contentsOf: dest).count))
        #expect(outcome.accounting.cost != nil)
        if model.returns == .video {
            let probe = try runProcess("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", dest.path])
            let seconds = Double(probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(abs(seconds - (outcome.file.durationSeconds ?? -1)) < 0.1, "ffprobe \(seconds) vs \(outcome.file)")
            let asked = request.body["duration"]?.stringValue ?? model.parameter("duration")?.default?.stringValue ?? "0"
            #expect(abs(seconds - (Double(asked) ?? 0)) < 0.2, "asked \(asked) s, got \(seconds) s")
        }
        #expect(files(in: dir) == [dest.lastPathComponent])
        #expect(await sim.submissionCount(slug: slug) == 1)
    }
}

@Test func simulatorErrorStatusesAreTyped() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1-image-to-video")
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))

    // 401: a wrong key; nothing is billed.
    try await withSimulator(SimulatorConfiguration(apiKey: "right-key-0000"), key: "wrong-key-1111") { sim, client in
        await #expect {
            try await client.submit(request)
        } throws: { error in
            guard case .http(401, .unauthorized, _, _)? = error as? SegmindError else { return false }
            return !String(describing: error).contains("wrong-key-1111")
        }
        #expect(await sim.submissionCount() == 0)
    }
    // 404 on submit (a model the service does not know) and 400 (a parameter it refuses).
    try await withSimulator(SimulatorConfiguration()) { sim, client in
        var unknown = model
        unknown.slug = "kling-nonexistent"
        let r404 = try RequestValidator().validate(model: unknown, parameters: inputs.parameters(model.slug))
        await #expect {
            try await client.submit(r404)
        } throws: { error in
            if case .http(404, .notFound, _, _)? = error as? SegmindError { return true }
            return false
        }
        var lenient = model
        lenient.parameters.append(ParameterSpec(name: "bogus", type: .string, required: false, description: "not a real parameter"))
        var params = inputs.parameters(model.slug)
        params["bogus"] = "x"
        let r400 = try RequestValidator().validate(model: lenient, parameters: params)
        await #expect {
            try await client.submit(r400)
        } throws: { error in
            guard case .http(400, .badRequest, let message, _)? = error as? SegmindError else { return false }
            return message.contains("bogus")
        }
        #expect(await sim.submissionCount() == 0)
    }
    // 406: not enough credits.
    try await withSimulator(SimulatorConfiguration(credits: 0.01)) { sim, client in
        await #expect {
            try await client.submit(request)
        } throws: { error in
            if case .http(406, .insufficientCredits, _, _)? = error as? SegmindError { return true }
            return false
        }
        #expect(await sim.submissionCount() == 0)
    }
    // 422: every job FAILS; the server's reason is carried.
    try await withSimulator(SimulatorConfiguration(faults: try FaultSpec(parsing: "fail=1"))) { sim, client in
        let job = try await client.submit(request)
        await #expect {
            try await client.wait(for: job, interval: 0.05)
        } throws: { error in
            guard case .jobFailed(let id, let message)? = error as? SegmindError else { return false }
            return id == job.requestID && !message.isEmpty
        }
        #expect(await sim.submissionCount() == 1)
    }
    // 404 after expiry: the record is gone, the id is reported.
    try await withSimulator(SimulatorConfiguration(latency: 30)) { sim, client in
        let job = try await client.submit(request)
        #expect(try await client.status(job).state == .queued)
        await sim.expireAllRequests()
        await #expect {
            try await client.status(job)
        } throws: { error in
            guard case .notFound(let id, _)? = error as? SegmindError else { return false }
            return id == job.requestID
        }
    }
}

@Test func deadlineAgainstTheSimulatorKeepsTheJob() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1")
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))
    try await withSimulator(SimulatorConfiguration(latency: 60)) { sim, client in
        let job = try await client.submit(request)
        await #expect {
            try await client.wait(for: job, deadline: 0.3, interval: 0.1)
        } throws: { error in
            guard case .deadlineExceeded(let id, let state, _)? = error as? SegmindError else { return false }
            return id == job.requestID && state == "QUEUED"
        }
        // Re-opened from the id alone, the job is still there.
        let reopened = try Job.reopen(requestID: job.requestID, baseURL: sim.baseURL)
        #expect(try await client.status(reopened).state == .queued)
        #expect(await sim.submissionCount() == 1)
    }
}

/// What one job of the stress run ended as.
private enum JobEnd: Sendable {
    case downloaded(String, Int64)
    case failed(String?, SegmindError)
}

@Test func fiftyConcurrentJobsWithFaultsEndTypedAndAreNeverSubmittedTwice() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1")
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))
    let faults = try FaultSpec(parsing: "500=0.03,502=0.03,504=0.02,429=0.05,drop=0.03,fail=0.05,truncate=0.05")
    let dir = scratch()
    try await withSimulator(SimulatorConfiguration(faults: faults, seed: 7, scale: 0.1)) { sim, client in
        let ends = await withTaskGroup(of: JobEnd.self, returning: [JobEnd].self) { group in
            for i in 0..<50 {
                group.addTask {
                    var id: String?
                    do {
                        let job = try await client.submit(request)
                        id = job.requestID
                        let result = try await client.wait(for: job, interval: 0.05)
                        let file = try await client.download(result, to: dir.appendingPathComponent("job\(i).jpg"), expecting: .image)
                        return .downloaded(job.requestID, file.byteCount)
                    } catch let e as SegmindError {
                        return .failed(id, e)
                    } catch {
                        return .failed(id, .transport(message: "untyped: \(error)", requestID: id))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ends.count == 50)
        var ids: [String] = []
        var unknown = 0
        for end in ends {
            switch end {
            case .downloaded(let id, let bytes):
                ids.append(id)
                #expect(bytes > 0)
            case .failed(let id, let error):
                if let id { ids.append(id) }
                if case .outcomeUnknown = error { unknown += 1 }
                if case .transport(let m, _) = error { #expect(!m.hasPrefix("untyped"), "\(m)") }
            }
        }
        let accepted = await sim.submissionCount()
        #expect(Set(ids).count == ids.count, "a request id came back twice")
        // Every accepted (billed) job is either known by id or reported as outcome-unknown; none was sent twice.
        #expect(ids.count <= accepted)
        #expect(accepted <= ids.count + unknown)
        #expect(accepted <= 50)
        let log = await sim.requestLog()
        #expect(log.filter { $0.method == "POST" && $0.status == 200 }.count == ids.count)
        // No partial file is left behind: every file in the folder is a complete download.
        let downloaded = ends.compactMap { if case .downloaded = $0 { return 1 } else { return nil } }.count
        #expect(files(in: dir).count == downloaded)
    }
}

@Test func rateLimitsAndDropsAreRetried() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1")
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))
    let dir = scratch()
    // Seeded faults on every request; a submit hit by a fault after acceptance is outcome-unknown, so retry until one is known.
    try await withSimulator(SimulatorConfiguration(latency: 1.5, faults: try FaultSpec(parsing: "429=0.3,drop=0.2"), seed: 3, scale: 0.1)) {
        sim, client in
        var job: Job?
        var unknown = 0
        while job == nil && unknown < 10 {
            do { job = try await client.submit(request) } catch SegmindError.outcomeUnknown { unknown += 1 }
        }
        let accepted = try #require(job)
        let result = try await client.wait(for: accepted, interval: 0.05)
        let file = try await client.download(result, to: dir.appendingPathComponent("o.jpg"), expecting: .image)
        #expect(file.kind == .image)
        let log = await sim.requestLog()
        #expect(log.contains { $0.fault == "429" }, "no rate-limited request in \(log)")
        #expect(log.contains { $0.fault == "drop" && $0.method == "GET" }, "no dropped poll in \(log)")
        #expect(await sim.submissionCount() <= 1 + unknown)
    }
}

@Test func truncatedDownloadsFromTheSimulatorLeaveNoFile() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1-image-to-video")
    let request = try RequestValidator().validate(model: model, parameters: inputs.parameters(model.slug))
    let dir = scratch()
    try await withSimulator(SimulatorConfiguration(faults: try FaultSpec(parsing: "truncate=1"), scale: 0.1)) { sim, client in
        let job = try await client.submit(request)
        let result = try await client.wait(for: job, interval: 0.05)
        await #expect {
            try await client.download(result, to: dir.appendingPathComponent("cut.mp4"), expecting: .video)
        } throws: { error in
            guard case .incompleteDownload(_, let expected, let received)? = error as? SegmindError else { return false }
            return expected.map { received < $0 } ?? true
        }
        #expect(files(in: dir).isEmpty)
        #expect(await sim.submissionCount() == 1)
    }
}
