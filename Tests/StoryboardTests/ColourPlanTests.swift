import Foundation
import MediaKit
import Presets
import Segmind
import Testing

@testable import Storyboard

/// A folder (`dir`, else a new one) with a 640x360 start image and `yaml` as `board.yaml`, planned against the
/// built-in catalog.
private func plan(_ yaml: String, in folder: URL? = nil) throws -> (ChainPlan, URL) {
    let dir = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("colour-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 90, green: 120, blue: 150), to: dir.appendingPathComponent("start.png").path)
    try ImageFile.write(PixelImage(width: 640, height: 360, red: 200, green: 120, blue: 40), to: dir.appendingPathComponent("end.png").path)
    let path = dir.appendingPathComponent("board.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    return (try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: catalog), dir)
}

@Test func seamAutoAndColourKeysParseWithDefaultsAndPerShotValues() throws {
    let (p, dir) = try plan(
        """
        defaults: {model: kling-o3-image2video, mode: std, duration: 3, seam: auto, color_match: anchor, color_strength: 0.5}
        shots:
          - {id: a, prompt: one, start_image: start.png}
          - {id: b, prompt: two, start_image: previous, color_match: previous, color_strength: 1}
          - {id: c, prompt: three, start_image: previous, color_match: off}
          - {id: d, prompt: four, start_image: previous}
        """)
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(p.storyboard.defaults.seam == .auto)
    #expect(p.storyboard.defaults.seam.description == "auto")
    #expect(p.shots.map(\.colour.mode) == [.anchor, .previous, .off, .anchor])
    #expect(p.shots.map(\.colour.strength) == [0.5, 1, 1, 0.5])
    // The anchor is matched to its own first frame; previous aims at the shot before; anchor at the first shot.
    #expect(p.shots.map(\.colour.reference) == [nil, "a", nil, "a"])
    #expect(p.shots.map(\.colour.referenceFirstFrame) == [true, false, false, true])
    // MediaKit's seam policies still parse as before.
    #expect(SeamSpec(argument: "drop-first") == .dropFirst)
    #expect(SeamSpec(argument: "crossfade=4") == .crossfade(frames: 4))
    #expect(SeamSpec(argument: "keep") == .keep)
    #expect(SeamSpec(argument: "sideways") == nil)
    #expect(StoryboardDefaults().colorMatch == .off && StoryboardDefaults().colorStrength == 1)
}

@Test func badColourKeysAreReportedNamingTheShotAndTheKey() throws {
    let error = #expect(throws: StoryboardError.self) {
        try plan(
            """
            defaults: {model: kling-o3-image2video, duration: 3, color_match: sometimes, color_strength: 2}
            shots:
              - {id: a, prompt: one, start_image: start.png, color_strength: -0.1}
              - {id: b, prompt: two, start_image: previous, color_match: 3}
              - {id: c, prompt: three, start_image: previous, end_image: end.png, color_match: anchor}
              - {id: d, prompt: four, start_image: previous, color_strength: strong}
            """)
    }
    guard case .invalid(_, let issues)? = error else {
        Issue.record("expected .invalid, got \(String(describing: error))")
        return
    }
    let keys = Set(issues.map { "\($0.shot)/\($0.field)" })
    for expected in ["defaults/color_match", "defaults/color_strength", "a/color_strength", "b/color_match", "c/color_match", "d/color_strength"] {
        #expect(keys.contains(expected), "missing \(expected) in \(issues)")
    }
    #expect(issues.contains { $0.shot == "defaults" && $0.message.contains("sometimes") && $0.message.contains("is not off, anchor or previous") })
    #expect(issues.contains { $0.shot == "a" && $0.message.contains("from 0 to 1") })
    #expect(issues.contains { $0.shot == "c" && $0.message.contains("end_image") })
}

@Test func colourMatchingOfAShotChangesTheFingerprintsOfTheShotsBuiltOnItNotItsOwn() throws {
    // One folder for every variant.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("colour-plan-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    func fingerprints(_ b: String, defaults: String = "") throws -> [String] {
        try plan(
            """
            defaults: {model: kling-o3-image2video, duration: 3\(defaults)}
            shots:
              - {id: a, prompt: one, start_image: start.png}
              - {id: b, prompt: two, start_image: previous\(b)}
              - {id: c, prompt: three, start_image: previous}
              - {id: d, prompt: four, start_image: start.png}
            """, in: dir
        ).0.shots.map(\.fingerprint)
    }
    let off = try fingerprints("")
    // `off` written out is the same as nothing written (and as the fingerprints before colour matching existed).
    #expect(try fingerprints(", color_match: \"off\"") == off)
    let anchored = try fingerprints(", color_match: anchor")
    // b's own take is still valid; c starts from b's corrected last frame, so it changes; d starts from a file.
    #expect(anchored[0] == off[0] && anchored[1] == off[1] && anchored[3] == off[3])
    #expect(anchored[2] != off[2])
    let weaker = try fingerprints(", color_match: anchor, color_strength: 0.5")
    #expect(weaker[1] == off[1] && weaker[2] != anchored[2] && weaker[2] != off[2])
    // Matching the anchor itself changes what b starts from, and so on down the chain (b's recipe names a's).
    let all = try fingerprints("", defaults: ", color_match: previous")
    #expect(all[0] == off[0] && all[1] != off[1] && all[2] != off[2] && all[3] == off[3])
}

@Test func theDryRunSummaryGivesEachVideoShotsColourMatching() throws {
    let (p, dir) = try plan(
        """
        defaults: {model: kling-o3-image2video, mode: std, duration: 3, color_match: anchor, color_strength: 0.5}
        shots:
          - {id: a, prompt: one, start_image: start.png}
          - {id: b, prompt: two, start_image: previous, color_match: previous, color_strength: 1}
          - {id: c, prompt: three, start_image: previous, color_match: off}
          - {id: i, model: kling-o1, prompt: "Merge @Image1", reference_images: [start.png]}
        """)
    defer { try? FileManager.default.removeItem(at: dir) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(p.summary(concurrency: 1))
    let shots = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["shots"] as? [[String: Any]])
    let colour = shots.map { $0["color_match"] as? [String: Any] }
    #expect(colour.count == 4)
    #expect(colour[0]?["mode"] as? String == "anchor" && colour[0]?["strength"] as? Double == 0.5)
    #expect(colour[0]?["reference"] == nil && colour[0]?["reference_frame"] as? String == "first")
    #expect(colour[1]?["mode"] as? String == "previous" && colour[1]?["reference"] as? String == "a")
    #expect(colour[1]?["reference_frame"] as? String == "last" && colour[1]?["strength"] as? Double == 1)
    #expect(colour[2]?.keys.sorted() == ["mode"] && colour[2]?["mode"] as? String == "off")
    #expect(colour[3] == nil, "an image shot has no colour matching")
}
