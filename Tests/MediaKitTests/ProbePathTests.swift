import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// MP4/MOV files whose header is complete are probed from the index, without avformat_find_stream_info;
/// fragmented MP4 and other containers are not.
@Test(arguments: [
    (Fixture.bframesAAC, true), (.editListCut, true), (.rotated90, true), (.hevc10bit, true), (.alphaMov, true),
    (.fragmented, false), (.vp9Opus, false), (.pngRGB, false),
])
func headerOnlyProbingIsUsedForCompleteMP4(_ fixture: Fixture, _ fromIndex: Bool) async throws {
    let path = try await TestCorpus.shared.path(fixture)
    let container = try InputContainer(path: path)
    let isMOV = container.formatName.hasPrefix("mov,")
    let fragmented = FileHeaders.isFragmentedMP4(path: path, fileSize: container.fileSize)
    #expect(fragmented == (fixture == .fragmented))
    let run = ProbeRun(container: container, options: ProbeOptions())
    #expect((isMOV && !fragmented && run.headerIsComplete()) == fromIndex)
}

@Test func mp4OpenFailureExplainsCutFiles() async throws {
    let moovLast = try await TestCorpus.shared.badInput(.truncatedMoovLast).path
    let size = Int64(try Data(contentsOf: URL(fileURLWithPath: moovLast)).count)
    guard case .truncated(_, let detail) = FileHeaders.mp4OpenFailure(path: moovLast, fileSize: size) else {
        Issue.record("expected .truncated")
        return
    }
    #expect(detail.contains("mdat") && detail.contains("no complete moov box"))

    // Cut inside the moov box of a fast-start file: the moov itself overruns.
    let source = try await TestCorpus.shared.path(.bframesAAC)
    let dir = TestCorpus.shared.scratchDirectory("probe-moovcut")
    let faststart = dir.appendingPathComponent("faststart.mp4")
    try ffmpeg(["-i", source, "-c", "copy", "-movflags", "+faststart", faststart.path])
    let cut = dir.appendingPathComponent("cut_in_moov.mp4")
    try Data(contentsOf: faststart).prefix(600).write(to: cut)
    #expect(throws: MediaError.self) { try MediaProbe.probe(cut.path) }
    do {
        _ = try MediaProbe.probe(cut.path)
    } catch MediaError.truncated(let p, let d) {
        #expect(p == cut.path && d.contains("moov box ends at byte"))
    }

    // Random bytes are not explained as an MP4.
    let random = try await TestCorpus.shared.badInput(.randomBytes).path
    #expect(FileHeaders.mp4OpenFailure(path: random, fileSize: 65536) == nil)
}

@Test func pngHeaderIsReadWithoutDecoding() async throws {
    let huge = try await TestCorpus.shared.badInput(.hugePNGHeader).path
    #expect(FileHeaders.pngHeader(path: huge) == FileHeaders.PNGHeader(width: 30000, height: 30000, bitDepth: 8, hasAlpha: false))
    let rgba = try await TestCorpus.shared.path(.pngRGBA)
    #expect(FileHeaders.pngHeader(path: rgba) == FileHeaders.PNGHeader(width: 200, height: 150, bitDepth: 8, hasAlpha: true))
    let text = try await TestCorpus.shared.badInput(.textAsPNG).path
    #expect(FileHeaders.pngHeader(path: text) == nil)
}
