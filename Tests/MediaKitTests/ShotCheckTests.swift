import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// A clip with a black span and a frozen span, made once: 24 frames of `testsrc2`, 12 black frames, then one
/// `testsrc2` frame shown 12 times; 320x240, 24 fps, lossless H.264 (so decoded frames are exactly the source).
actor ShotCheckMedia {
    static let shared = ShotCheckMedia()
    private var made: Task<String, any Error>?

    static let moving = 0..<24
    static let black = 24..<36
    static let frozen = 36..<48

    func blackAndFrozen() async throws -> String {
        if let made { return try await made.value }
        let task = Task<String, any Error>.detached {
            let out = TestCorpus.shared.scratchDirectory("shotcheck").appendingPathComponent("black_frozen.mp4").path
            let graph =
                "testsrc2=s=320x240:r=24:d=1[a];color=c=black:s=320x240:r=24:d=0.5[b];"
                + "testsrc2=s=320x240:r=24:d=1,trim=start_frame=3:end_frame=4,loop=loop=11:size=1:start=0,setpts=N/24/TB[c];"
                + "[a][b][c]concat=n=3:v=1:a=0,format=yuv420p[out0]"
            try ffmpeg(["-f", "lavfi", "-i", graph, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", out])
            return out
        }
        made = task
        return try await task.value
    }
}

@Suite struct ShotCheckTests {
    /// Every property a shot is checked for, and a full decode (most corpus files fail some of them: the failures
    /// must be the same too).
    static let request = VerificationRequest(
        duration: 5, aspect: "16:9", resolution: .init(width: 1280, height: 720), fps: 24, audio: true, decode: true)

    /// The probe, the verification and the first and last frames equal what `MediaProbe`, `Verifier` and
    /// `FrameExtractor` give separately, on every corpus file (rotated, anamorphic, 10-bit, WebM, fragmented,
    /// edit list, alpha, images); the frames pixel for pixel.
    @Test(arguments: Fixture.allCases)
    func sameAnswersAsSeparateCalls(_ fixture: Fixture) async throws {
        let path = try await TestCorpus.shared.path(fixture)
        let request = Self.request
        let result = try ShotCheck.check(path, against: request)
        let info = try MediaProbe.probe(path)
        #expect(result.info == info, "\(fixture): probe differs")
        let report = try Verifier.verify(path, request)
        #expect(result.verification == report, "\(fixture)")
        let first = try FrameExtractor.extract(from: path, .first).image
        let last = try FrameExtractor.extract(from: path, .last).image
        let sameFirst = result.firstFrame == first
        let sameLast = result.lastFrame == last
        #expect(sameFirst, "\(fixture): first frame differs (PSNR \(result.firstFrame.psnr(first) ?? -1))")
        #expect(sameLast, "\(fixture): last frame differs (PSNR \(result.lastFrame.psnr(last) ?? -1))")
        if fixture.isImage {
            #expect(result.frames.isEmpty)
        } else {
            let frameCount = try #require(info.video?.video?.frameCount)
            #expect(result.frames.count == frameCount, "\(fixture)")
        }
    }

    /// The last frame is not the first (the test above would pass if both were the same frame).
    @Test func firstAndLastFramesDiffer() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        #expect(result.firstFrame != result.lastFrame)
        #expect(result.verification.passed)
        #expect(result.verification.checks.map(\.name) == ["decode"])
    }

    /// On a file whose video data was overwritten the verification fails as `Verifier`'s does: the same checks,
    /// results and problems. How many frames FFmpeg flags corrupt there depends on the timing of its frame threads
    /// (`Verifier` alone gives 7 to 11 from one run to the next), so that one number is compared as "some".
    @Test func corruptFileFailsLikeVerifier() async throws {
        let path = try await VerifyMedia.shared.corruptClip()
        let request = VerificationRequest(frames: 121, decode: true)
        let result = try ShotCheck.check(path, against: request)
        let report = try Verifier.verify(path, request)
        #expect(!result.verification.passed)
        #expect(Self.maskingCorruptCount(result.verification) == Self.maskingCorruptCount(report))
        #expect(result.verification.checks.first { $0.name == "decode" }?.actual.contains(" corrupt frames") == true)
        #expect(result.info == (try MediaProbe.probe(path)))
    }

    /// The report with "N corrupt frames" written "some corrupt frames".
    static func maskingCorruptCount(_ report: VerificationReport) -> VerificationReport {
        var masked = report
        for i in masked.checks.indices {
            masked.checks[i].actual = masked.checks[i].actual.replacing(/[0-9]+ corrupt frames/, with: "some corrupt frames")
        }
        return masked
    }

    /// A cut-off MP4 is reported (truncated), as `Verifier` reports it, not thrown.
    @Test func truncatedFileIsReported() async throws {
        let path = try await TestCorpus.shared.badInput(.truncatedMoovFirst).path
        let request = VerificationRequest(decode: true)
        let result = try ShotCheck.check(path, against: request)
        #expect(result.info.truncated)
        #expect(!result.verification.passed)
        #expect(result.verification == (try Verifier.verify(path, request)))
    }

    /// What cannot be read at all throws the error `Verifier` throws, naming the file.
    @Test(arguments: [BadInput.missing, .randomBytes, .empty, .directory, .textAsPNG, .truncatedMoovLast])
    func unreadableInputThrows(_ bad: BadInput) async throws {
        let path = try await TestCorpus.shared.badInput(bad).path
        let request = VerificationRequest(decode: true)
        let expected = #expect(throws: MediaError.self) { try Verifier.verify(path, request) }
        let error = #expect(throws: MediaError.self) { try ShotCheck.check(path, against: request) }
        #expect(error == expected)
        #expect(error?.path == path)
    }

    /// A video above the pixel limit is refused before decoding, as `FrameExtractor` refuses it.
    @Test func pixelLimitIsEnforced() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let error = #expect(throws: MediaError.self) { try ShotCheck.check(path, against: VerificationRequest(), pixelLimit: 1280 * 720 - 1) }
        #expect(error == .tooManyPixels(path: path, width: 1280, height: 720, limit: 1280 * 720 - 1))
        #expect(throws: MediaError.self) { try FrameExtractor.extract(from: path, .first, options: FrameOptions(pixelLimit: 1280 * 720 - 1)) }
    }

    /// Black frames have a luma near limited-range black (16/255) and black RGB; frozen frames a luma difference
    /// of 0; moving frames a positive one; one entry per frame ffprobe counts; times 1/24 s apart.
    @Test func statisticsShowBlackAndFrozenSpans() async throws {
        let path = try await ShotCheckMedia.shared.blackAndFrozen()
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        let counted = try runProcess(
            "ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
        let ffprobeCount = Int(String(decoding: counted.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(result.frames.count == ffprobeCount)
        let frames = result.frames
        try #require(frames.count == 48)
        for i in ShotCheckMedia.black {
            #expect(abs(frames[i].meanLuma - 16.0 / 255) < 0.5 / 255, "frame \(i): luma \(frames[i].meanLuma)")
            #expect(max(frames[i].meanRed, frames[i].meanGreen, frames[i].meanBlue) < 0.01, "frame \(i)")
        }
        for i in ShotCheckMedia.black.dropFirst() { #expect(frames[i].lumaDifference == 0, "frame \(i)") }
        for i in ShotCheckMedia.frozen.dropFirst() { #expect(frames[i].lumaDifference == 0, "frame \(i)") }
        for i in ShotCheckMedia.moving.dropFirst() { #expect(frames[i].lumaDifference > 0, "frame \(i)") }
        // Into the black span and out of it the picture changes a lot.
        #expect(frames[ShotCheckMedia.black.lowerBound].lumaDifference > 0.2)
        #expect(frames[ShotCheckMedia.frozen.lowerBound].lumaDifference > 0.2)
        #expect(frames[0].lumaDifference == 0)
        #expect(frames[5].meanLuma > 0.3)
        #expect(min(frames[5].meanRed, frames[5].meanGreen, frames[5].meanBlue) > 0.1)
        for (i, f) in frames.enumerated() { #expect(abs(f.seconds - Double(i) / 24) < 1e-6, "frame \(i): \(f.seconds) s") }
    }

    /// Full-range (yuvj) black reads 0 luma; a white picture reads full scale in both ranges.
    @Test(arguments: [("tv", 16.0 / 255, 235.0 / 255), ("pc", 0.0, 1.0)])
    func statisticsFollowTheRange(_ range: String, _ blackLuma: Double, _ whiteLuma: Double) async throws {
        let out = TestCorpus.shared.scratchDirectory("shotcheck-range").appendingPathComponent("bw_\(range).mp4").path
        let graph = "color=c=black:s=160x120:r=24:d=0.25[a];color=c=white:s=160x120:r=24:d=0.25[b];[a][b]concat=n=2:v=1:a=0[out0]"
        try ffmpeg([
            "-f", "lavfi", "-i", graph, "-vf", "scale=out_range=\(range == "pc" ? "full" : "limited"),format=yuv420p",
            "-color_range", range, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", out,
        ])
        let frames = try ShotCheck.check(out, against: VerificationRequest()).frames
        try #require(frames.count == 12)
        #expect(abs(frames[0].meanLuma - blackLuma) < 1.0 / 255, "\(frames[0])")
        #expect(abs(frames[11].meanLuma - whiteLuma) < 1.0 / 255, "\(frames[11])")
        #expect(max(frames[0].meanRed, frames[0].meanGreen, frames[0].meanBlue) < 0.01)
        #expect(min(frames[11].meanRed, frames[11].meanGreen, frames[11].meanBlue) > 0.99)
    }
}
