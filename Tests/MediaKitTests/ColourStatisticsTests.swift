import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// Clips for the colour statistics, made once: a smooth colourful picture in several pixel formats, ranges and
/// matrices; flat greys at blackdetect's threshold; three solid colours one after another.
actor ColourMedia {
    static let shared = ColourMedia()
    private var made: [String: Task<String, any Error>] = [:]

    /// The encoder arguments of each variant (the source is `picture`, moving slowly).
    static let variants: [String: [String]] = [
        "bt709-limited": ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_range", "tv"],
        "bt601-full": ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuvj420p", "-colorspace", "smpte170m", "-color_range", "pc"],
        "10-bit": ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p10le", "-colorspace", "bt709"],
        "444-untagged": ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"],
        "planar-rgb": ["-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24"],
        "packed-rgb": ["-c:v", "ffv1", "-pix_fmt", "bgr0"],
        "gray": ["-c:v", "ffv1", "-pix_fmt", "gray"],
    ]
    static let picture = "gradients=s=320x240:r=24:c0=0x203060:c1=0xe08030:c2=0x30c050:n=3:speed=0.02:seed=5,trim=end_frame=24"

    func clip(_ name: String, graph: String, arguments: [String]) async throws -> String {
        if let task = made[name] { return try await task.value }
        let task = Task<String, any Error>.detached {
            let out = TestCorpus.shared.scratchDirectory("colour").appendingPathComponent("\(name).mkv").path
            try ffmpeg(["-f", "lavfi", "-i", graph] + arguments + [out])
            return out
        }
        made[name] = task
        return try await task.value
    }

    func variant(_ name: String) async throws -> String {
        try await clip(name, graph: Self.picture, arguments: Self.variants[name] ?? [])
    }
}

@Suite struct ColourStatisticsTests {
    /// The per-frame mean Lab from the tables is within 0.05 of the exact conversion (`pow`, `cbrt`) of the same
    /// grid points, in every pixel format and range; the other statistics are the same.
    @Test(arguments: ColourMedia.variants.keys.sorted())
    func tablesMatchExactConversion(_ variant: String) async throws {
        let path = try await ColourMedia.shared.variant(variant)
        let index = try #require(try MediaProbe.probe(path).video?.index)
        let fast = FrameSampler()
        let exact = FrameSampler(exactLab: true)
        var pairs: [(FrameStatistics, FrameStatistics)] = []
        _ = try DecodeScan.run(container: try InputContainer(path: path), stream: index) { frame in
            if let a = fast.statistics(of: frame, seconds: 0), let b = exact.statistics(of: frame, seconds: 0) { pairs.append((a, b)) }
        }
        try #require(pairs.count == 24)
        for (i, (a, b)) in pairs.enumerated() {
            let error = max(abs(a.lab.l - b.lab.l), abs(a.lab.a - b.lab.a), abs(a.lab.b - b.lab.b))
            #expect(error < 0.05, "\(variant) frame \(i): \(a.lab) vs \(b.lab)")
            var same = a
            same.lab = b.lab
            #expect(same == b, "\(variant) frame \(i)")
        }
        // Colourful, not grey (the gray variant excepted): the comparison covers a and b too.
        if variant != "gray" { #expect(abs(pairs[0].1.lab.a) + abs(pairs[0].1.lab.b) > 10, "\(variant): \(pairs[0].1.lab)") }
    }

    /// The shot's colour agrees with ffmpeg's accurate conversion of the same frames (`accurate_rnd`,
    /// `full_chroma_int`, the frame's matrix and range), and the grid's per-frame mean with the shot's colour.
    @Test(arguments: ColourMedia.variants.keys.sorted())
    func colourAgreesWithAccurateConversion(_ variant: String) async throws {
        let path = try await ColourMedia.shared.variant(variant)
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        let colour = try #require(result.colour)
        let png = TestCorpus.shared.scratchDirectory("colour-oracle").appendingPathComponent("first.png").path
        let scale = "scale=in_color_matrix=auto:in_range=auto:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24"
        try ffmpeg(["-i", path, "-frames:v", "1", "-vf", scale, png])
        let oracle = LabStatistics.measure(try ImageFile.read(png))
        #expect(colour.first.mean.deltaE(oracle.mean) < 0.3, "\(variant): \(colour.first.mean), ffmpeg \(oracle.mean)")
        #expect(abs(colour.first.spread.l - oracle.spread.l) < 0.3, "\(variant): \(colour.first.spread), ffmpeg \(oracle.spread)")
        let first = try #require(result.frames.first).lab
        let last = try #require(result.frames.last).lab
        #expect(first.deltaE(colour.first.mean) < 0.3, "\(variant): grid \(first), shot \(colour.first.mean)")
        #expect(last.deltaE(colour.last.mean) < 0.3, "\(variant): grid \(last), shot \(colour.last.mean)")
    }

    /// A point is dark at or under 10% luma of the frame's range: Y 37 in limited range (16 + 0.1 x 219), 25 in
    /// full range.
    @Test(arguments: [(37, false, 1.0), (38, false, 0.0), (25, true, 1.0), (26, true, 0.0)])
    func darkFractionUsesBlackdetectThreshold(_ luma: Int, _ fullRange: Bool, _ expected: Double) async throws {
        // Tagged, not converted: the stored Y is `luma`.
        let graph = "color=c=black:s=64x64:r=24:d=0.25,format=yuv420p,geq=lum=\(luma):cb=128:cr=128"
        let path = try await ColourMedia.shared.clip(
            "grey\(luma)\(fullRange)", graph: graph,
            arguments: ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", "-color_range", fullRange ? "pc" : "tv"])
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        try #require(!result.frames.isEmpty)
        for f in result.frames { #expect(f.darkFraction == expected, "Y \(luma), full range \(fullRange)") }
    }

    /// Half a picture black: half its points dark.
    @Test func darkFractionIsAShare() async throws {
        let graph = "color=c=white:s=320x240:r=24:d=0.25,drawbox=x=0:y=0:w=160:h=240:color=black:t=fill"
        let path = try await ColourMedia.shared.clip("half", graph: graph, arguments: ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"])
        let frames = try ShotCheck.check(path, against: VerificationRequest(decode: true)).frames
        try #require(!frames.isEmpty)
        for f in frames { #expect(abs(f.darkFraction - 0.5) < 0.02, "\(f.darkFraction)") }
    }

    /// The shot's colour is measured on its first, middle and last frames: one second each of red, green and blue.
    @Test func shotColourIsFirstMiddleAndLast() async throws {
        let graph =
            "color=c=red:s=320x240:r=24:d=1[a];color=c=0x00ff00:s=320x240:r=24:d=1[b];color=c=blue:s=320x240:r=24:d=1[c];"
            + "[a][b][c]concat=n=3:v=1:a=0"
        let path = try await ColourMedia.shared.clip("rgb-thirds", graph: graph, arguments: ["-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv444p"])
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        let colour = try #require(result.colour)
        let expected = [Lab(red: 1, green: 0, blue: 0), Lab(red: 0, green: 1, blue: 0), Lab(red: 0, green: 0, blue: 1)]
        for (name, (stats, lab)) in zip(["first", "middle", "last"], zip([colour.first, colour.middle, colour.last], expected)) {
            #expect(stats.mean.deltaE(lab) < 3, "\(name): \(stats.mean), expected \(lab)")
            #expect(max(stats.spread.l, stats.spread.a, stats.spread.b) < 1, "\(name): \(stats.spread)")
            #expect(stats.covariance.count == 9)
        }
        #expect(colour.middle.mean.deltaE(colour.first.mean) > 50)
        #expect(colour.middle.mean.deltaE(colour.last.mean) > 50)
        // The grid's mean follows the same colours frame by frame.
        #expect(result.frames[36].lab.deltaE(colour.middle.mean) < 1)
    }

    /// An image file has no shot colour (no frames).
    @Test func imageHasNoShotColour() async throws {
        let path = try await TestCorpus.shared.path(.pngRGB)
        let result = try ShotCheck.check(path, against: VerificationRequest())
        #expect(result.colour == nil)
        #expect(result.findings.isEmpty)
    }

    /// The JSON keys of the frame statistics are snake_case.
    @Test func frameStatisticsJSONKeys() throws {
        let stats = FrameStatistics(
            seconds: 1, meanLuma: 0.5, meanRed: 0.1, meanGreen: 0.2, meanBlue: 0.3, lumaDifference: 0.01, lab: Lab(l: 50, a: 1, b: 2),
            darkFraction: 0.25)
        let data = try JSONEncoder().encode(stats)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["seconds", "mean_luma", "mean_red", "mean_green", "mean_blue", "luma_difference", "lab", "dark_fraction"])
        #expect(try JSONDecoder().decode(FrameStatistics.self, from: data) == stats)
    }
}
