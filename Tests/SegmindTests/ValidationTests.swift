import Foundation
import MediaTestSupport
import Presets
import Segmind
import Testing

private let catalog = Result { try ModelCatalog(directory: Presets.directory.appendingPathComponent("models")) }
private func model(_ slug: String) throws -> ModelSpec { try catalog.get().model(slug) }

private func issues(_ slug: String, _ params: [String: JSONValue], files: [LocalInput] = []) throws -> [ValidationIssue] {
    do {
        _ = try RequestValidator().validate(model: try model(slug), parameters: params, localInputs: files)
        return []
    } catch SegmindError.invalidRequest(_, let list) {
        return list
    }
}

@Test func validRequestIsNormalised() throws {
    let r = try RequestValidator().validate(
        model: try model("kling-o3-image2video"),
        parameters: [
            "prompt": "a cat", "image_url": "https://example.com/a.png", "duration": .number(6), "generate_audio": .bool(true),
            "multi_prompt": .array([
                .object(["prompt": "one", "duration": .number(2)]), .object(["prompt": "two", "duration": .string("4")]),
            ]),
        ])
    #expect(r.body["duration"] == .string("6"))
    #expect(r.body["multi_prompt"] == .array([.object(["prompt": "one", "duration": "2"]), .object(["prompt": "two", "duration": "4"])]))
    #expect(r.estimatedUSD == 2.1)  // 6 s at the pro-with-audio rate (mode defaults to pro)
}

struct ProblemCase: Sendable, CustomTestStringConvertible {
    var slug: String
    var params: [String: JSONValue]
    var parameter: String
    var fragment: String
    init(_ slug: String, _ params: [String: JSONValue], _ parameter: String, _ fragment: String) {
        self.slug = slug
        self.params = params
        self.parameter = parameter
        self.fragment = fragment
    }
    var testDescription: String { "\(slug) \(parameter)" }
}

private let problemCases: [ProblemCase] = [
    ProblemCase(
        "kling-o1-image-to-video", ["prompt": "x", "start_image_url": "https://e.com/a.png", "colour": "red"], "colour", "unknown parameter"),
    ProblemCase("kling-o1-image-to-video", ["start_image_url": "https://e.com/a.png"], "prompt", "required"),
    ProblemCase("kling-o1-image-to-video", ["prompt": .number(3), "start_image_url": "https://e.com/a.png"], "prompt", "expected a string"),
    ProblemCase("kling-o1-image-to-video", ["prompt": "x", "start_image_url": "https://e.com/a.png", "duration": "7"], "duration", "allowed: 5, 10"),
    ProblemCase("kling-o1-image-to-video", ["prompt": "x", "start_image_url": "e.com/a.png"], "start_image_url", "not a URL"),
    ProblemCase("kling-o1-image-to-video", ["prompt": "x", "start_image_url": "ftp://e.com/a.png"], "start_image_url", "expected http"),
    ProblemCase(
        "kling-o1-reference-image-to-video", ["prompt": "x", "image_urls": .array(["https://e.com/a", .number(1)])], "image_urls[1]", "URL"),
    ProblemCase(
        "kling-o1-reference-image-to-video", ["prompt": "x", "image_urls": ["https://e.com/a"], "aspect_ratio": "4:3"], "aspect_ratio", "16:9"),
    ProblemCase(
        "kling-o1-video-to-video-reference", ["prompt": "x", "video_url": "https://e.com/v.mp4", "keep_audio": "yes"], "keep_audio", "true or false"),
    ProblemCase("kling-o1", ["image_urls": ["https://e.com/a"], "output_format": "webp"], "output_format", "png, jpg"),
    ProblemCase("kling-o3-image2video", ["prompt": "x", "image_url": "https://e.com/a", "duration": .number(16)], "duration", "allowed: 3, 4"),
    ProblemCase(
        "kling-o3-image2video",
        [
            "prompt": "x", "image_url": "https://e.com/a", "duration": "5",
            "multi_prompt": .array([.object(["prompt": "a", "duration": .number(2)])]),
        ],
        "multi_prompt", "add up to 2 s but duration is 5 s"
    ),
]

@Test(arguments: problemCases)
func eachProblemIsNamed(_ c: ProblemCase) throws {
    let found = try issues(c.slug, c.params)
    let parameter = c.parameter
    let fragment = c.fragment
    #expect(found.count == 1, "\(found)")
    #expect(found.first?.parameter == parameter)
    #expect(found.first?.message.contains(fragment) == true, "\(found)")
}

@Test func allProblemsAreReportedAtOnce() throws {
    let found = try issues(
        "kling-o3-image2video", ["image_url": "nope", "duration": .number(20), "mode": "ultra", "foo": .bool(true), "generate_audio": .number(1)])
    #expect(Set(found.map(\.parameter)) == ["foo", "prompt", "image_url", "duration", "mode", "generate_audio"])
    let e = SegmindError.invalidRequest(slug: "kling-o3-image2video", issues: found)
    #expect(e.description.contains("mode: ultra is not allowed; allowed: std, pro"))
}

@Test func kling01PromptDefaultFillsTheRequiredPrompt() throws {
    let r = try RequestValidator().validate(model: try model("kling-o1"), parameters: ["image_urls": ["https://e.com/a"]])
    #expect(r.body["prompt"] == "Merge @Image1 into the landscape of @Image2")
}

private func makeImage(_ name: String, _ size: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=\(size)", "-frames:v", "1", path])
    return path
}

@Test func localImagesAreCheckedAgainstTheLimits() async throws {
    let dir = scratch()
    let good = try makeImage("good.png", "640x360", in: dir)
    let small = try await TestCorpus.shared.path(.pngRGB)  // 200x150
    let wide = try makeImage("wide.jpg", "1600x320", in: dir)  // 5:1
    let text = try await TestCorpus.shared.badInput(.textAsPNG).path
    let params: [String: JSONValue] = ["prompt": "x"]
    #expect(try issues("kling-o1-image-to-video", params, files: [LocalInput(parameter: "start_image_url", path: good)]).isEmpty)
    let found = try issues(
        "kling-o1-reference-image-to-video", params,
        files: [
            LocalInput(parameter: "image_urls", path: small), LocalInput(parameter: "image_urls", path: wide),
            LocalInput(parameter: "image_urls", path: text),
            LocalInput(parameter: "image_urls", path: dir.appendingPathComponent("missing.png").path),
        ])
    #expect(found.count == 4, "\(found)")
    #expect(found.allSatisfy { $0.parameter == "image_urls" })
    #expect(found[0].message.contains("200x150 is below the minimum of 300 px"))
    #expect(found[1].message.contains("outside 1:2.5 .. 2.5:1"))
    #expect(found[2].message.contains("not a PNG, JPEG"))
    #expect(found[3].message.contains("no such file"))
}

@Test func localVideoIsCheckedAgainstTheLimits() async throws {
    let ok = try await TestCorpus.shared.path(.bframesAAC)  // 1280x720, 24 fps, 5.04 s
    let small = try await TestCorpus.shared.path(.variableFrameRate)  // 320x240
    let params: [String: JSONValue] = ["prompt": "x"]
    #expect(try issues("kling-o1-video-to-video-reference", params, files: [LocalInput(parameter: "video_url", path: ok)]).isEmpty)
    let found = try issues("kling-o1-video-to-video-reference", params, files: [LocalInput(parameter: "video_url", path: small)])
    #expect(found.contains { $0.parameter == "video_url" && $0.message.contains("320x240 is outside 720..2160 px") }, "\(found)")
}
