import Foundation
import MediaKit
import Presets
import Segmind
import Testing

@testable import Storyboard

/// A temporary folder with the demo storyboard and its two images (640x360 PNGs).
private func demoFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("storyboard-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let demo = Presets.directory.appendingPathComponent("storyboards/demo.yaml")
    try FileManager.default.copyItem(at: demo, to: dir.appendingPathComponent("demo.yaml"))
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 20, green: 60, blue: 120), to: dir.appendingPathComponent("demo-start.png").path)
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 200, green: 120, blue: 40), to: dir.appendingPathComponent("demo-end.png").path)
    return dir
}

private func catalog() throws -> ModelCatalog {
    try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
}

private func write(_ text: String, in dir: URL, name: String = "board.yaml") throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Test func demoStoryboardPlansThreeChainedShotsWithCatalogPrices() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try StoryboardFile.load(dir.appendingPathComponent("demo.yaml").path)
    let plan = try ChainPlan(storyboard: file, catalog: try catalog())
    #expect(plan.shots.map(\.id) == ["dawn", "boats", "song"])
    #expect(plan.shots.map(\.dependencies) == [[], ["dawn"], ["boats"]])
    #expect(plan.storyboard.defaults.seam == .auto)
    #expect(plan.storyboard.defaults.colorMatch == .anchor)
    // The shot with an end image keeps its colours and anchors the one after it.
    #expect(plan.shots.map(\.colour.mode) == [.anchor, .off, .anchor])
    #expect(plan.shots.map(\.colour.reference) == [nil, nil, "boats"])
    // kling-o3-image2video: std without audio $0.21/s, std with audio $0.28/s.
    #expect(abs(plan.shots[0].estimatedUSD - 1.05) < 1e-9)
    #expect(abs(plan.shots[1].estimatedUSD - 1.05) < 1e-9)
    #expect(abs(plan.shots[2].estimatedUSD - 1.12) < 1e-9)
    #expect(abs(plan.estimatedUSD - 3.22) < 1e-9)
    // A chain runs one shot after another whatever the concurrency: 3 x 252 s.
    #expect(plan.estimatedSeconds(concurrency: 1) == 756)
    #expect(plan.estimatedSeconds(concurrency: 4) == 756)
    #expect(plan.shots[1].inputs.map(\.parameter) == ["image_url", "end_image_url"])
    #expect(plan.shots[1].inputs[1].source == .file(dir.appendingPathComponent("demo-end.png").standardizedFileURL.path))
    #expect(plan.shots[2].parameters["generate_audio"] == .bool(true))
    #expect(plan.shots[2].parameters["duration"] == .number(4))
    #expect(plan.shots[0].parameters["mode"] == .string("std"))
    let text = plan.describe(concurrency: 1)
    #expect(text.contains("estimated cost $3.22"))
    #expect(text.contains("boats: kling-o3-image2video 5 s, ~$1.05, ~252 s after dawn"))
}

@Test func independentShotsOverlapInTheTimeEstimate() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try write(
        """
        defaults: {model: kling-o3-image2video, mode: std, duration: 3}
        shots:
          - {id: a, prompt: one, start_image: demo-start.png}
          - {id: b, prompt: two, start_image: demo-end.png}
          - {id: c, prompt: three, start_image: shot:a}
        """, in: dir)
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: try catalog())
    #expect(plan.shots.map(\.dependencies) == [[], [], ["a"]])
    #expect(plan.estimatedSeconds(concurrency: 1) == 3 * 252)
    #expect(plan.estimatedSeconds(concurrency: 2) == 2 * 252)
}

@Test func everyProblemIsReportedAtOnceWithShotAndField() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try write(
        """
        defaults:
          model: kling-o3-image2video
          seam: sideways
        colour: blue
        shots:
          - id: first
            prompt: opening
            start_image: previous
          - id: second
            model: kling-o9
            prompt: nothing
          - id: third
            prompt: bad duration
            start_image: missing.png
            duration: 42
          - id: first
            prompt: again
            start_image: shot:later
            mode: ultra
          - id: later
            prompt: fine
            start_image: demo-start.png
        """, in: dir)
    let file = try StoryboardFile.load(path)
    let error = #expect(throws: StoryboardError.self) { try ChainPlan(storyboard: file, catalog: try catalog()) }
    guard case .invalid(let p, let issues)? = error else {
        Issue.record("expected .invalid, got \(String(describing: error))")
        return
    }
    #expect(p == path)
    let keys = Set(issues.map { "\($0.shot)/\($0.field)" })
    for expected in [
        "storyboard/colour", "defaults/seam", "first/start_image", "second/model", "third/duration", "third/start_image", "first/id",
        "first/mode",
    ] {
        #expect(keys.contains(expected), "missing \(expected) in \(issues)")
    }
    // shot:later refers to a later shot.
    #expect(issues.contains { $0.shot == "first" && $0.field == "start_image" && $0.message.contains("shot:later") })
    #expect(issues.contains { $0.shot == "third" && $0.field == "start_image" && $0.message.contains("missing.png") })
    // The whole list is in the one error message, one line per problem.
    let lines = error!.description.split(separator: "\n")
    #expect(lines.count == issues.count + 1)
    #expect(lines[0].hasSuffix("\(issues.count) problems:"))
}

@Test func quotedScalarsStayStringsAndPlainNumbersAreNumbers() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try write(
        """
        shots:
          - id: edit
            model: kling-o1
            prompt: "Merge @Image1"
            aspect_ratio: "16:9"
            reference_images: [demo-start.png, "https://example.com/b.png"]
        """, in: dir)
    let file = try StoryboardFile.load(path)
    #expect(file.shots[0].parameters["aspect_ratio"] == .string("16:9"))
    #expect(file.shots[0].referenceImages == [.file(dir.appendingPathComponent("demo-start.png").path), .url("https://example.com/b.png")])
    let plan = try ChainPlan(storyboard: file, catalog: try catalog())
    #expect(abs(plan.estimatedUSD - 0.035) < 1e-9)
    #expect(plan.shots[0].inputs.map(\.parameter) == ["image_urls", "image_urls"])
}

@Test func aJSONStoryboardReadsTheSameAsYAML() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let yaml = try StoryboardFile.load(dir.appendingPathComponent("demo.yaml").path)
    let json = try write(
        """
        {"name": "Offline demo", "defaults": {"model": "kling-o3-image2video", "mode": "std", "duration": 5, "seam": "auto", "color_match": "anchor", "output": "final.mp4"},
         "shots": [{"id": "dawn", "prompt": "A quiet harbour at dawn, the camera drifts slowly over the water.", "start_image": "demo-start.png"}]}
        """, in: dir, name: "board.json")
    let parsed = try StoryboardFile.load(json)
    #expect(parsed.shots[0] == yaml.shots[0])
    #expect(parsed.defaults == yaml.defaults)
}

@Test func fingerprintsFollowEveryDefiningField() throws {
    let base = Shot(id: "a", model: "kling-o3-image2video", parameters: ["prompt": "x", "duration": 5], startImage: .previous)
    let f0 = ChainPlan.fingerprint(shot: base, parameters: base.parameters)
    #expect(f0.count == 16)
    #expect(ChainPlan.fingerprint(shot: base, parameters: base.parameters) == f0)
    var prompt = base
    prompt.parameters["prompt"] = "y"
    #expect(ChainPlan.fingerprint(shot: prompt, parameters: prompt.parameters) != f0)
    var start = base
    start.startImage = .shot("b")
    #expect(ChainPlan.fingerprint(shot: start, parameters: start.parameters) != f0)
}

@Test func journalRecordsAreFlushedFoldedAndATornLastLineIsIgnored() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("journal.jsonl").path
    do {
        let journal = try RunJournal(path: path)
        try journal.append(JournalRecord(event: "submitting", shot: "a", fingerprint: "f1"))
        try journal.append(JournalRecord(event: "submitted", shot: "a", requestID: "r1", statusURL: "s", responseURL: "u"))
        try journal.append(JournalRecord(event: "downloaded", shot: "a", file: "shots/a.mp4", costUSD: 1.05))
        try journal.append(JournalRecord(event: "completed", shot: "a"))
        try journal.append(JournalRecord(event: "submitting", shot: "b", fingerprint: "f2"))
        try journal.append(JournalRecord(event: "submitting", shot: "c", fingerprint: "f3"))
        try journal.append(JournalRecord(event: "resubmit", shot: "c"))
    }
    // Every append is on disk as one line.
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 7)
    // A crash in the middle of a write leaves a torn line, which reading skips.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"event":"submitted","shot":"b","reque"#.utf8))
    try handle.close()
    let records = try RunJournal.read(path)
    #expect(records.count == 7)
    let states = RunJournal.states(records)
    #expect(states["a"]?.completed == true)
    #expect(states["a"]?.requestID == "r1")
    #expect(states["a"]?.costUSD == 1.05)
    #expect(states["a"]?.fingerprint == "f1")
    #expect(states["b"]?.outcomeUnknown == true)
    #expect(states["c"] == JournalShotState())
    // A broken line that is not the last one is an error naming the line.
    try (text + "garbage\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: StoryboardError.journal(path: path, message: "line 8 is not a journal record")) { try RunJournal.read(path) }
}

@Test func unreadableStoryboardsNameTheFile() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = dir.appendingPathComponent("nope.yaml").path
    #expect(throws: StoryboardError.self) { try StoryboardFile.load(missing) }
    let bad = try write("shots: [unclosed", in: dir)
    let error = #expect(throws: StoryboardError.self) { try StoryboardFile.load(bad) }
    #expect(error?.description.hasPrefix("storyboard \(bad): not valid YAML or JSON") == true)
    let noShots = try write("defaults: {model: kling-o1}", in: dir)
    #expect(throws: StoryboardError.unreadable(path: noShots, message: "there is no shots list")) { try StoryboardFile.load(noShots) }
}

@Test func aDefaultsKeyNoModelTakesIsAnIssueNamingTheKey() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try write(
        """
        defaults:
          model: kling-o3-image2video
          genrate_audio: true
          duration: 5
        shots:
          - {id: one, prompt: x, start_image: demo-start.png}
          - {id: two, prompt: y, start_image: previous, model: kling-o1-image-to-video}
        """, in: dir)
    let error = #expect(throws: StoryboardError.self) { try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: try catalog()) }
    guard case .invalid(_, let issues)? = error else {
        Issue.record("expected .invalid, got \(String(describing: error))")
        return
    }
    #expect(issues.count == 1, "\(issues)")
    #expect(issues.first?.shot == "defaults" && issues.first?.field == "genrate_audio", "\(issues)")
    #expect(issues.first?.message.contains("kling-o1-image-to-video, kling-o3-image2video") == true, "\(issues)")
    // A key that only one of the models takes is fine: generate_audio applies to the kling-o3 shot only.
    let fine = try write(
        """
        defaults: {model: kling-o3-image2video, generate_audio: true}
        shots:
          - {id: one, prompt: x, start_image: demo-start.png}
          - {id: two, prompt: y, start_image: previous, model: kling-o1-image-to-video}
        """, in: dir, name: "fine.yaml")
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(fine), catalog: try catalog())
    #expect(plan.shots[0].parameters["generate_audio"] == .bool(true) && plan.shots[1].parameters["generate_audio"] == nil)
}

@Test func imageFieldsMapToParametersByRole() throws {
    let dir = try demoFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A model whose parameters have names no code knows; only the roles say which is which.
    let models = dir.appendingPathComponent("models")
    try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
    try """
    {"slug": "acme", "title": "t", "summary": "s", "returns": "video", "typical_latency_seconds": 1, "deadline_seconds": 10,
     "poll_interval_seconds": 1, "price": {"usd": 0.5}, "input_limits": {}, "parameters": [
      {"name": "text", "type": "string", "role": "prompt", "required": true, "description": "d"},
      {"name": "first_frame", "type": "url", "role": "start_image", "required": true, "description": "d"},
      {"name": "last_frame", "type": "url", "role": "end_image", "required": false, "description": "d"},
      {"name": "refs", "type": "url-list", "role": "reference_images", "required": false, "description": "d"}]}
    """.write(to: models.appendingPathComponent("acme.json"), atomically: true, encoding: .utf8)
    let path = try write(
        """
        shots:
          - {id: one, model: acme, text: x, start_image: demo-start.png, end_image: demo-end.png, reference_images: [demo-end.png]}
        """, in: dir)
    let plan = try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: try ModelCatalog(directory: models))
    #expect(plan.shots[0].inputs.map(\.parameter) == ["first_frame", "last_frame", "refs"])
    #expect(ChainPlan.parameter(for: "start_image", model: try catalog().model("kling-o1")) == "image_urls")
    #expect(ChainPlan.parameter(for: "end_image", model: try catalog().model("kling-o1")) == nil)
}
