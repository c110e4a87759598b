import Foundation
import MediaTestSupport
import Segmind
import Testing

/// ffprobe's width, height, duration and average frame rate of the first video stream (the oracle).
private func ffprobeFacts(_ path: String) throws -> (width: Int, height: Int, duration: Double, fps: Double) {
    let out = try runProcess(
        "ffprobe",
        ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,duration,avg_frame_rate", "-of", "json", path])
    let root = try #require(JSONValue.parse(out.stdout))
    guard case .array(let streams)? = root["streams"], let s = streams.first else { throw SegmindError.badMedia(path: path, message: "no stream") }
    let rate = (s["avg_frame_rate"]?.stringValue ?? "0/1").split(separator: "/").compactMap { Double($0) }
    return (
        Int(s["width"]?.numberValue ?? 0), Int(s["height"]?.numberValue ?? 0), Double(s["duration"]?.stringValue ?? "0") ?? 0,
        rate.count == 2 && rate[1] != 0 ? rate[0] / rate[1] : 0
    )
}

@Test(arguments: [Fixture.bframesAAC, .alphaMov, .hevc10bit, .oddDimensions])
func videoFactsMatchFFprobe(_ fixture: Fixture) async throws {
    let path = try await TestCorpus.shared.path(fixture)
    let facts = try HeaderMediaInspector().inspect(path: path)
    let oracle = try ffprobeFacts(path)
    #expect(facts.kind == .video)
    #expect(facts.format == (fixture == .alphaMov ? "mov" : "mp4"))
    #expect(facts.width == oracle.width && facts.height == oracle.height)
    #expect(abs((facts.durationSeconds ?? 0) - oracle.duration) < 0.01, "\(facts) vs \(oracle)")
    #expect(abs((facts.framesPerSecond ?? 0) - oracle.fps) < 0.01, "\(facts) vs \(oracle)")
    #expect(facts.byteCount == Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count))
}

@Test(arguments: [Fixture.pngRGB, .pngRGBA, .jpeg])
func imageFactsMatchTheFixture(_ fixture: Fixture) async throws {
    let facts = try HeaderMediaInspector().inspect(path: try await TestCorpus.shared.path(fixture))
    #expect(facts.kind == .image)
    #expect(facts.format == (fixture == .jpeg ? "jpeg" : "png"))
    #expect(facts.width == 200 && facts.height == 150)
}

@Test(arguments: [BadInput.empty, .randomBytes, .truncatedMoovFirst, .truncatedMoovLast, .textAsPNG, .missing, .directory])
func brokenFilesAreRefusedByName(_ bad: BadInput) async throws {
    let path = try await TestCorpus.shared.badInput(bad).path
    #expect {
        try HeaderMediaInspector().inspect(path: path)
    } throws: { error in
        guard case .badMedia(let p, _)? = error as? SegmindError else { return false }
        return p == path
    }
}

@Test func decodingInspectorRefusesWhatOnlyLooksRight() async throws {
    let huge = try await TestCorpus.shared.badInput(.hugePNGHeader).path
    #expect(try HeaderMediaInspector().inspect(path: huge).width == 30000)
    #expect {
        try DecodingMediaInspector().inspect(path: huge)
    } throws: { error in
        guard case .badMedia(let p, let m)? = error as? SegmindError else { return false }
        return p == huge && m.contains("cannot be decoded")
    }
    let video = try await TestCorpus.shared.path(.bframesAAC)
    #expect(try DecodingMediaInspector().inspect(path: video) == HeaderMediaInspector().inspect(path: video))
}
