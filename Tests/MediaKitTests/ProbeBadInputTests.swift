import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// What probing a bad input must give: a thrown error, or a flagged result.
enum ProbeOutcome: Equatable {
    case fileNotFound, notARegularFile, emptyFile, unrecognizedFormat, truncatedThrown
    case flaggedTruncated, flaggedTooManyPixels

    init(_ kind: BadInput) {
        switch kind {
        case .empty: self = .emptyFile
        case .randomBytes: self = .unrecognizedFormat
        case .truncatedMoovFirst: self = .flaggedTruncated
        case .truncatedMoovLast: self = .truncatedThrown
        case .textAsPNG: self = .unrecognizedFormat
        case .hugePNGHeader: self = .flaggedTooManyPixels
        case .missing: self = .fileNotFound
        case .directory: self = .notARegularFile
        }
    }
}

@Test(arguments: BadInput.allCases)
func badInputGivesTheRightError(_ kind: BadInput) async throws {
    let path = try await TestCorpus.shared.badInput(kind).path
    let expected = ProbeOutcome(kind)
    let error: MediaError
    do {
        let info = try MediaProbe.probe(path)
        #expect(!info.isHealthy, "\(kind) was reported healthy")
        error = try #require(info.healthError)
    } catch let thrown as MediaError {
        error = thrown
    }
    #expect(error.path == path)
    #expect(!error.description.contains("\n"))
    #expect(error.description.hasPrefix(path))
    switch (expected, error) {
    case (.fileNotFound, .fileNotFound), (.notARegularFile, .notARegularFile), (.emptyFile, .emptyFile),
        (.unrecognizedFormat, .unrecognizedFormat), (.truncatedThrown, .truncated), (.flaggedTruncated, .truncated):
        break
    case (.flaggedTooManyPixels, .tooManyPixels(_, let w, let h, let limit)):
        #expect(w == 30000 && h == 30000 && limit == MediaProbe.defaultPixelLimit)
    default:
        Issue.record("\(kind): expected \(expected), got \(error)")
    }
}

@Test func truncatedFastStartFileIsFlaggedNotHealthy() async throws {
    let path = try await TestCorpus.shared.badInput(.truncatedMoovFirst).path
    let info = try MediaProbe.probe(path)
    #expect(info.truncated)
    #expect(!info.isHealthy)
    #expect(info.problems.contains { $0.contains("past the end of the file") })
    // The header still describes the whole clip; the counts are the frames actually present (40% of the bytes).
    let video = try #require(info.video?.video)
    #expect(video.width == 1280 && video.height == 720)
    #expect((1..<121).contains(video.frameCount ?? 0))
    // ffprobe decodes exactly the frames whose bytes are present.
    let oracle = try FFprobeOracle(path: path)
    #expect(video.frameCount == oracle.streams.first?.oracleInt("nb_read_frames"))
}

@Test func hugePNGHeaderReportsDimensionsWithoutDecoding() async throws {
    let path = try await TestCorpus.shared.badInput(.hugePNGHeader).path
    let info = try MediaProbe.probe(path)
    let image = try #require(info.image?.image)
    #expect(image.width == 30000 && image.height == 30000)
    #expect(!info.decodable && info.pixelLimitExceeded == MediaProbe.defaultPixelLimit)
    // With a limit above its size the same file is tried, and fails for want of image data.
    let tried = try? MediaProbe.probe(path, options: ProbeOptions(pixelLimit: 1_000_000_000))
    #expect(tried?.isHealthy != true)
}

@Test func undecodableVideoIsFlagged() async throws {
    // Overwrite the middle of the first video samples with zeros: the header and index stay intact.
    let source = try await TestCorpus.shared.url(.singleKeyframe)
    let dir = TestCorpus.shared.scratchDirectory("probe-corrupt")
    let target = dir.appendingPathComponent("corrupt.mp4")
    var data = try Data(contentsOf: source)
    let info = try MediaProbe.probe(source.path)
    #expect(info.isHealthy)
    let mdat = try #require(data.range(of: Data("mdat".utf8)))
    let start = mdat.upperBound
    let end = min(data.count - 1, start + 40_000)
    data.replaceSubrange(start..<end, with: Data(repeating: 0xFF, count: end - start))
    try data.write(to: target)
    let broken = try MediaProbe.probe(target.path)
    #expect(!broken.decodable)
    #expect(!broken.isHealthy)
    if case .decodeFailed = broken.healthError {
    } else {
        Issue.record("expected decodeFailed, got \(String(describing: broken.healthError))")
    }
}

@Test(arguments: [Fixture.vp9Opus, .fragmented])
func truncatedDemuxedFileIsFlagged(_ fixture: Fixture) async throws {
    // Containers counted by demuxing: cut at half the bytes, the packets stop early.
    let source = try await TestCorpus.shared.url(fixture)
    let data = try Data(contentsOf: source)
    let cut = TestCorpus.shared.scratchDirectory("probe-cut").appendingPathComponent("half-" + fixture.rawValue)
    try data.prefix(data.count / 2).write(to: cut)
    let whole = try MediaProbe.probe(source.path)
    let info = try MediaProbe.probe(cut.path)
    #expect(whole.isHealthy)
    #expect(info.truncated, "\(info.problems)")
    #expect(!info.isHealthy)
    #expect((info.video?.video?.frameCount ?? 0) < (whole.video?.video?.frameCount ?? 0))
    if case .truncated = info.healthError {
    } else {
        Issue.record("expected .truncated, got \(String(describing: info.healthError))")
    }
}
