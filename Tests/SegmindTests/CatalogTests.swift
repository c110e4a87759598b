import Foundation
import Presets
import Segmind
import Testing

private func bundled() throws -> ModelCatalog {
    try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
}

@Test func bundledCatalogHasTheFiveModels() throws {
    let catalog = try bundled()
    #expect(
        catalog.models.map(\.slug) == [
            "kling-o1", "kling-o1-image-to-video", "kling-o1-reference-image-to-video", "kling-o1-video-to-video-reference",
            "kling-o3-image2video",
        ])
    for m in catalog.models {
        #expect(m.deadlineSeconds >= (m.returns == .video ? 900 : 600), "\(m.slug) deadline")
        #expect(m.typicalLatencySeconds > 0)
        #expect(m.parameters.contains { $0.name == "prompt" && $0.required }, "\(m.slug) prompt")
        #expect(m.inputLimits.image?.minSide == 300)
        #expect(m.inputLimits.image?.maxBytes == Int64(10 * 1024 * 1024))
    }
    #expect(try catalog.model("kling-o1").returns == .image)
    #expect(try catalog.model("kling-o1-video-to-video-reference").inputLimits.video?.maxFPS == 60)
}

@Test(arguments: [
    ("kling-o1-reference-image-to-video", ["prompt", "image_urls"]),
    ("kling-o1-image-to-video", ["prompt", "start_image_url"]),
    ("kling-o1-video-to-video-reference", ["prompt", "video_url"]),
    ("kling-o1", ["prompt", "image_urls"]),
    ("kling-o3-image2video", ["image_url", "prompt"]),
])
func requiredParametersMatchTheAPIPage(slug: String, required: [String]) throws {
    let model = try bundled().model(slug)
    #expect(model.parameters.filter(\.required).map(\.name).sorted() == required.sorted())
}

@Test func o3PriceRuleSpansThePublishedRange() throws {
    let m = try bundled().model("kling-o3-image2video")
    let defaults: [String: JSONValue] = ["mode": "pro", "generate_audio": false, "duration": "5"]
    #expect(m.price.estimate(["duration": "3", "mode": "std", "generate_audio": .bool(false)], defaults: defaults) == 0.63)
    #expect(m.price.estimate(["duration": "15", "mode": "pro", "generate_audio": .bool(true)], defaults: defaults) == 5.25)
    #expect(m.price.rangeUSD == [0.63, 5.25])
    #expect(try bundled().model("kling-o1").price.estimate([:], defaults: [:]) == 0.035)
}

@Test func unknownSlugListsKnownModels() throws {
    #expect(throws: SegmindError.self) { try bundled().model("kling-nope") }
    do { _ = try bundled().model("kling-nope") } catch let e as SegmindError {
        #expect(e.description.contains("kling-o1-image-to-video"))
    }
}

@Test func catalogFromAnotherFolderAndItsErrors() throws {
    let dir = scratch()
    let src = Presets.directory.appendingPathComponent("models/kling-o1.json")
    try FileManager.default.copyItem(at: src, to: dir.appendingPathComponent("kling-o1.json"))
    #expect(try ModelCatalog(directory: dir).models.map(\.slug) == ["kling-o1"])

    try Data(#"{"slug": "other"}"#.utf8).write(to: dir.appendingPathComponent("broken.json"))
    #expect {
        try ModelCatalog(directory: dir)
    } throws: { error in
        guard case .catalog(let path, let message)? = error as? SegmindError else { return false }
        return path.hasSuffix("broken.json") && message.contains("missing key")
    }
    #expect(throws: SegmindError.self) { try ModelCatalog(directory: dir.appendingPathComponent("nope")) }
}
