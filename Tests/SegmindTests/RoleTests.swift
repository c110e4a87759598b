import Foundation
import MediaKit
import MediaTestSupport
import Presets
import Segmind
import Testing

private func bundledModel(_ slug: String) throws -> ModelSpec {
    try ModelCatalog(directory: Presets.directory.appendingPathComponent("models")).model(slug)
}

/// Writes `text` as `<slug>.json` in a fresh folder and reads that folder as a catalog.
private func catalogError(slug: String, _ text: String) -> SegmindError? {
    let dir = scratch()
    do {
        try Data(text.utf8).write(to: dir.appendingPathComponent("\(slug).json"))
        _ = try ModelCatalog(directory: dir)
        return nil
    } catch {
        return error as? SegmindError
    }
}

/// A minimal model file whose parameters are `parameters` (JSON objects).
private func modelFile(_ slug: String, _ parameters: String) -> String {
    """
    {"slug": "\(slug)", "title": "t", "summary": "s", "returns": "video", "typical_latency_seconds": 1, "deadline_seconds": 10,
     "poll_interval_seconds": 1, "price": {}, "input_limits": {}, "parameters": [\(parameters)]}
    """
}

@Test func everyBundledParameterHasARoleAndNoFileCitesAMissingDocument() throws {
    let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
    for m in catalog.models {
        for p in m.parameters { #expect(p.role != nil, "\(m.slug).\(p.name) has no role") }
        #expect(m.source == "Segmind model pages and API reference, official Python SDK 1.3.0", "\(m.slug)")
        let text = try String(contentsOf: Presets.directory.appendingPathComponent("models/\(m.slug).json"), encoding: .utf8)
        #expect(!text.contains("SEGMIND-API"), "\(m.slug)")
    }
}

@Test(arguments: [
    ("kling-o1-image-to-video", ParameterRole.startImage, "start_image_url"),
    ("kling-o3-image2video", .startImage, "image_url"),
    ("kling-o3-image2video", .audio, "generate_audio"),
    ("kling-o3-image2video", .promptList, "multi_prompt"),
    ("kling-o1-video-to-video-reference", .referenceVideo, "video_url"),
    ("kling-o1-video-to-video-reference", .audio, "keep_audio"),
    ("kling-o1-reference-image-to-video", .referenceImages, "image_urls"),
    ("kling-o1", .outputFormat, "output_format"),
])
func parametersAreFoundByRole(slug: String, role: ParameterRole, name: String) throws {
    #expect(try bundledModel(slug).parameter(role: role)?.name == name)
}

@Test func rolesAModelLacksAreNil() throws {
    #expect(try bundledModel("kling-o1").parameter(role: .duration) == nil)
    #expect(try bundledModel("kling-o1-image-to-video").parameter(role: .audio) == nil)
    #expect(try bundledModel("kling-o1-image-to-video").parameter(role: .aspectRatio) == nil)
}

@Test func anUnknownRoleIsACatalogErrorNamingTheFile() throws {
    let error = catalogError(
        slug: "odd", modelFile("odd", #"{"name": "prompt", "type": "string", "role": "narration", "required": true, "description": "d"}"#))
    guard case .catalog(let path, let message)? = error else {
        Issue.record("expected a catalog error, got \(String(describing: error))")
        return
    }
    #expect(path.hasSuffix("odd.json"))
    #expect(message.contains("unknown role 'narration'") && message.contains("start_image"), "\(message)")
}

@Test func aRoleGivenTwiceOrToTheWrongTypeIsACatalogError() throws {
    let twice = catalogError(
        slug: "twice",
        modelFile(
            "twice",
            #"{"name": "a", "type": "url", "role": "start_image", "required": true, "description": "d"}, {"name": "b", "type": "url", "role": "start_image", "required": false, "description": "d"}"#
        ))
    #expect(twice?.description.contains("role 'start_image' is given to both 'a' and 'b'") == true, "\(String(describing: twice))")
    let wrongType = catalogError(
        slug: "typed", modelFile("typed", #"{"name": "sound", "type": "string", "role": "audio", "required": false, "description": "d"}"#))
    #expect(wrongType?.description.contains("needs type boolean, not string") == true, "\(String(describing: wrongType))")
    #expect(wrongType?.description.contains("typed.json") == true)
}

@Test func expectationsFollowRolesAndDefaults() throws {
    let o3 = try bundledModel("kling-o3-image2video").expectations(for: ["duration": "5", "generate_audio": true, "prompt": "a cat"])
    #expect(o3.durationSeconds == 5 && o3.aspectRatio == nil && o3.audio == true && o3.returns == .video)
    let reference = try bundledModel("kling-o1-reference-image-to-video").expectations(for: ["duration": 10, "aspect_ratio": "16:9"])
    #expect(reference.durationSeconds == 10 && reference.aspectRatio == "16:9" && reference.audio == false)
    let v2v = try bundledModel("kling-o1-video-to-video-reference").expectations(for: ["duration": 10, "aspect_ratio": "auto", "keep_audio": "false"])
    #expect(v2v.durationSeconds == 10 && v2v.aspectRatio == nil && v2v.audio == false)
    let image = try bundledModel("kling-o1").expectations(for: ["aspect_ratio": "9:16", "duration": "5"])
    #expect(image.durationSeconds == nil && image.aspectRatio == "9:16" && image.audio == nil && image.returns == .image)
    // Absent parameters take the catalog default: 5 s, no audio, and the reference model's 16:9.
    let defaults = try bundledModel("kling-o1-reference-image-to-video").expectations(for: [:])
    #expect(defaults.durationSeconds == 5 && defaults.aspectRatio == "16:9" && defaults.audio == false)
    let i2v = try bundledModel("kling-o1-image-to-video")
    #expect(i2v.expectations(for: [:]).durationSeconds == 5)
    #expect(i2v.expectations(for: ["duration": "five"]).durationSeconds == nil)
    #expect(try bundledModel("kling-o3-image2video").expectations(for: ["generate_audio": "maybe"]).audio == nil)
}

@Test func expectationsReadRolesNotNames() throws {
    let text = modelFile(
        "acme",
        #"{"name": "seconds", "type": "integer", "role": "duration", "required": false, "default": 4, "description": "d"}, "#
            + #"{"name": "shape", "type": "string", "role": "aspect_ratio", "required": false, "default": "auto", "description": "d"}, "#
            + #"{"name": "sound", "type": "boolean", "role": "audio", "required": false, "default": true, "description": "d"}, "#
            + #"{"name": "duration", "type": "string", "required": false, "description": "not the duration role"}"#)
    let model = try JSONDecoder().decode(ModelSpec.self, from: Data(text.utf8))
    let e = model.expectations(for: ["duration": "9", "shape": "1:1"])
    #expect(e.durationSeconds == 4 && e.aspectRatio == "1:1" && e.audio == true)
}

/// Expectations turned into a verification request pass on a matching clip (5 s, 16:9, with audio).
@Test func expectationsVerifyAMatchingClip() async throws {
    let e = try bundledModel("kling-o1-video-to-video-reference").expectations(for: ["duration": "5", "aspect_ratio": "16:9", "keep_audio": true])
    let request = VerificationRequest(duration: e.durationSeconds, aspect: e.aspectRatio, audio: e.audio, decode: true)
    #expect(request == VerificationRequest(duration: 5, aspect: "16:9", audio: true, decode: true))
    let report = try Verifier.verify(try await TestCorpus.shared.path(.bframesAAC), request)
    #expect(report.passed, "\(report.summary())")
}

@Test func unusableNumbersInAModelFileAreCatalogErrors() throws {
    let slow = modelFile("slow", "").replacingOccurrences(of: #""typical_latency_seconds": 1"#, with: #""typical_latency_seconds": 1e300"#)
    #expect(catalogError(slug: "slow", slow)?.description.contains("typical_latency_seconds") == true)
    let pricey = modelFile("pricey", "").replacingOccurrences(of: #""price": {}"#, with: #""price": {"usd": -1}"#)
    #expect(catalogError(slug: "pricey", pricey)?.description.contains("price -1.0 is not") == true)
    let aspect = modelFile("aspect", "").replacingOccurrences(
        of: #""input_limits": {}"#,
        with: #""input_limits": {"image": {"formats": ["png"], "max_bytes": 1, "min_side": 1, "min_aspect": 2000, "max_aspect": 1}}"#)
    #expect(catalogError(slug: "aspect", aspect)?.description.contains("min_aspect") == true)
}
