import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

@Suite struct FrameExtractorTests {
    /// `--last` equals the last frame of a full CLI decode; the frame before it does not.
    @Test(arguments: videoFixtures)
    func lastFrameMatchesFullDecode(_ fixture: Fixture) async throws {
        let path = try await TestCorpus.shared.path(fixture)
        let frame = try FrameExtractor.extract(from: path, .last)
        let pts = try FrameOracle.framePts(path)
        let n = pts.count - 1
        #expect(frame.pts == pts[n])
        if let index = frame.index { #expect(index == n) }
        let alpha = fixture == .alphaMov
        #expect(frame.image.hasAlpha == alpha)
        let expected = try FrameOracle.frame(path, index: n, width: frame.image.width, height: frame.image.height, alpha: alpha)
        let match = try #require(frame.image.psnr(expected))
        #expect(match >= matchingPSNR, "\(fixture): PSNR \(match) against the CLI's frame \(n)")
        if alpha { #expect(FrameOracle.alphaChannel(frame.image) == FrameOracle.alphaChannel(expected)) }
        let previous = try FrameOracle.frame(path, index: n - 1, width: frame.image.width, height: frame.image.height, alpha: alpha)
        let neighbour = try #require(frame.image.psnr(previous))
        #expect(neighbour < 35 && neighbour < match - 10, "\(fixture): frame \(n - 1) is too close (PSNR \(neighbour))")
    }

    /// `--first`, `--index` and `--at` equal the CLI's frame with the same displayed index.
    @Test(arguments: videoFixtures)
    func firstIndexAndTimeMatchFullDecode(_ fixture: Fixture) async throws {
        let path = try await TestCorpus.shared.path(fixture)
        let times = try FrameOracle.frameTimes(path)
        let alpha = fixture == .alphaMov
        let middle = times.count / 2 + 1
        let atIndex = times.count / 3
        // A time a quarter of the way into frame `atIndex`'s display interval.
        let seconds = times[atIndex] - times[0] + (times[atIndex + 1] - times[atIndex]) / 4
        let cases: [(FrameSelector, Int)] = [(.first, 0), (.index(middle), middle), (.time(seconds), atIndex)]
        for (selector, n) in cases {
            let frame = try FrameExtractor.extract(from: path, selector)
            #expect(frame.index == n, "\(fixture) \(selector)")
            let expected = try FrameOracle.frame(path, index: n, width: frame.image.width, height: frame.image.height, alpha: alpha)
            let match = try #require(frame.image.psnr(expected))
            #expect(match >= matchingPSNR, "\(fixture) \(selector): PSNR \(match) against the CLI's frame \(n)")
            if n > 0 {
                let previous = try FrameOracle.frame(path, index: n - 1, width: frame.image.width, height: frame.image.height, alpha: alpha)
                let neighbour = try #require(frame.image.psnr(previous))
                #expect(neighbour < 35, "\(fixture) \(selector): frame \(n - 1) is too close (PSNR \(neighbour))")
            }
        }
    }

    /// Display geometry: rotation turns 1280x720 upright to 720x1280, SAR 2:1 doubles the width, odd sizes survive.
    @Test func displayGeometry() async throws {
        let rotated = try FrameExtractor.extract(from: try await TestCorpus.shared.path(.rotated90), .first)
        #expect(rotated.image.width == 720 && rotated.image.height == 1280)
        #expect(rotated.rotation % 180 == 90)
        let wide = try FrameExtractor.extract(from: try await TestCorpus.shared.path(.anamorphic), .first)
        #expect(wide.image.width == 640 && wide.image.height == 240)
        #expect(wide.codedWidth == 320)
        let oddPath = try await TestCorpus.shared.path(.oddDimensions)
        let odd = try FrameExtractor.extract(from: oddPath, .last)
        let info = try FrameOracle.streamInfo(oddPath)
        #expect(info["width"] == "\(odd.image.width)" && info["height"] == "\(odd.image.height)")
        let tenBit = try FrameExtractor.extract(from: try await TestCorpus.shared.path(.hevc10bit), .last)
        #expect(tenBit.pixelFormat == "yuv420p10le")
    }

    /// `ffmpeg -sseof -1 -i F -frames:v 1` seeks one second before the container end (the AAC track's end,
    /// minus a B-frame allowance) and keeps the first frame decoded after that point: with FFmpeg 5.1 that is
    /// frame 98 of 121, not the last one. Ours is the last one.
    @Test func sseofRecipeReturnsAnEarlierFrame() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let ours = try FrameExtractor.extract(from: path, .last)
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-sseof", "-1", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24",
                "-",
            ])
        let sseof = try FrameOracle.image(out.stdout, width: 1280, height: 720, alpha: false)
        let last = try FrameOracle.frame(path, index: 120, width: 1280, height: 720)
        #expect(ours.image.psnr(last) ?? 0 >= matchingPSNR)
        #expect(sseof.psnr(last) ?? 100 < 30, "the -sseof recipe now returns the last frame")
        let frame98 = try FrameOracle.frame(path, index: 98, width: 1280, height: 720)
        #expect(sseof.psnr(frame98) ?? 0 >= matchingPSNR, "the -sseof recipe returns frame 98 (the first frame after the seek)")
    }

    /// An edit list that ends on a non-reference B-frame (the video `elst` cut to 4.9 s, so frames
    /// 118-120 are hidden and frame 117, a B-frame, is the last displayed): the fast pass that skips
    /// non-reference frames cannot produce it, so the pts check must send it round again.
    @Test func lastFrameOfAnEndCutEditListNeedsTheFullPass() async throws {
        let source = try Data(contentsOf: try await TestCorpus.shared.url(.bframesAAC))
        var bytes = [UInt8](source)
        // The first `elst` box is the video track's: version 0, one entry (segment_duration, media_time, rate).
        let elst = try #require(bytes.firstRange(of: Array("elst".utf8))?.lowerBound)
        #expect(bytes[elst + 4] == 0 && bytes[elst + 11] == 1)
        let duration: UInt32 = 4900  // movie time scale 1000
        for k in 0..<4 { bytes[elst + 12 + k] = UInt8((duration >> (24 - 8 * k)) & 0xFF) }
        let path = TestCorpus.shared.scratchDirectory("elst").appendingPathComponent("end_cut.mp4").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let pts = try FrameOracle.framePts(path)
        #expect(pts.count == 118)
        let frame = try FrameExtractor.extract(from: path, .last)
        #expect(frame.pts == pts[117])
        #expect(frame.index == 117)
        #expect(frame.keyframeSeekAttempts == 2, "the fast pass should have been redone")
        let expected = try FrameOracle.frame(path, index: 117, width: 1280, height: 720)
        #expect(frame.image.psnr(expected) ?? 0 >= matchingPSNR)
        let previous = try FrameOracle.frame(path, index: 116, width: 1280, height: 720)
        #expect(frame.image.psnr(previous) ?? 100 < 35)
    }

    /// Zeroed bytes in the last displayed frame's packet (file size and index intact): the H.264 decoder
    /// reports a CABAC error and `--last` fails (`decodeFailed` or `unconfirmedFrame`) instead of returning
    /// the concealed frame or an earlier one. (Garbage that happens to parse, such as all-0xFF or 0xAA
    /// here, decodes without any error and cannot be detected by FFmpeg or by us.)
    @Test func corruptLastFrameIsRefused() async throws {
        let path = try await Self.corruptLastFrameFile("corrupt")
        let output = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("out.png").path
        do {
            let frame = try FrameExtractor.extractToFile(from: path, .last, to: output)
            Issue.record("a corrupt last frame was returned (pts \(frame.pts))")
        } catch let error as MediaError {
            #expect(["unconfirmedFrame", "decodeFailed"].contains(caseName(error)), "\(error)")
            #expect(error.path == path)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// With frame threads FFmpeg 5.1 hands out the corrupt last frame above without returning its error (the
    /// worker's error is dropped while the decoder drains); only the decoder's error log shows it. The quick
    /// frame-threaded pass must see that and give up, so that the pass without frame threads reports it.
    @Test func quickPassSeesTheErrorsFrameThreadsDrop() async throws {
        let path = try await Self.corruptLastFrameFile("corrupt-quick")
        let reader = try VideoReader(path: path, pixelLimit: 100_000_000, frameThreads: true)
        if case .found(let found) = try FrameExtractor.lastQuick(reader, tail: try .init(reader), skipNonReference: true) {
            Issue.record("the quick pass accepted the corrupt last frame (pts \(found.frame.timestamp))")
        }
        #expect(reader.decoder.errorMessageCount > 0)
        // The same file without damage passes the quick pass.
        let clean = try VideoReader(path: try await TestCorpus.shared.path(.bframesAAC), pixelLimit: 100_000_000, frameThreads: true)
        guard case .found = try FrameExtractor.lastQuick(clean, tail: try .init(clean), skipNonReference: true) else {
            Issue.record("the quick pass refused an intact file")
            return
        }
        #expect(clean.decoder.errorMessageCount == 0)
    }

    /// A copy of the B-frame corpus clip whose last displayed frame's packet is zeroed in the middle.
    static func corruptLastFrameFile(_ name: String) async throws -> String {
        let source = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory(name)
        let path = dir.appendingPathComponent("corrupt.mp4").path
        try ffmpeg(["-i", source, "-c", "copy", "-movflags", "+faststart", path])
        let packets = try runProcess(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,pos,size", "-of", "csv=p=0", path])
        let rows = packets.stdoutText.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").compactMap { Int($0) } }
        let last = try #require(rows.filter { $0.count == 3 }.max { $0[0] < $1[0] })
        let (pos, size) = (last[2], last[1])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for i in (pos + 200)..<(pos + size - 200) { bytes[i] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `--last` decodes only the tail: one seek and at most a GOP (48 frames) plus reorder delay.
    @Test func lastDecodesOnlyTheTail() async throws {
        let frame = try FrameExtractor.extract(from: try await TestCorpus.shared.path(.bframesAAC), .last)
        #expect(frame.keyframeSeekAttempts == 1)
        #expect(frame.decodedFrames <= 52 && frame.decodedFrames >= 1)
    }

    static let expectedErrors: [(BadInput, String)] = [
        (.empty, "emptyFile"), (.randomBytes, "unrecognizedFormat"), (.truncatedMoovFirst, "truncated"),
        (.truncatedMoovLast, "unrecognizedFormat"), (.textAsPNG, "unrecognizedFormat"), (.hugePNGHeader, "tooManyPixels"),
        (.missing, "fileNotFound"), (.directory, "notARegularFile"),
    ]

    /// Each bad input gives its own `MediaError` naming the file, and leaves no output file.
    @Test(arguments: expectedErrors)
    func badInputFailsCleanly(_ input: BadInput, _ expected: String) async throws {
        let path = try await TestCorpus.shared.badInput(input).path
        let scratch = TestCorpus.shared.scratchDirectory("bad")
        let output = scratch.appendingPathComponent("out.png").path
        do {
            _ = try FrameExtractor.extractToFile(from: path, .last, to: output)
            Issue.record("\(input) was accepted")
        } catch let error as MediaError {
            #expect(caseName(error) == expected, "\(input): \(error)")
            #expect(error.path == path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    /// Indices and times past the end are refused with `frameOutOfRange`; bad values with `invalidArgument`.
    @Test func outOfRangeSelectorsFail() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        for selector in [FrameSelector.index(121), .index(10_000), .time(5.05), .time(60)] {
            #expect(throws: MediaError.self) { try FrameExtractor.extract(from: path, selector) }
            do { _ = try FrameExtractor.extract(from: path, selector) } catch let e as MediaError { #expect(caseName(e) == "frameOutOfRange") }
        }
        // The last frame (index 120, 5.0 s) is in range.
        #expect(try FrameExtractor.extract(from: path, .index(120)).pts == 61440)
        #expect(try FrameExtractor.extract(from: path, .time(5.03)).index == 120)
        for selector in [FrameSelector.index(-1), .time(-0.5), .time(.nan)] {
            do {
                _ = try FrameExtractor.extract(from: path, selector)
                Issue.record("\(selector) was accepted")
            } catch let e as MediaError { #expect(caseName(e) == "invalidArgument") }
        }
    }

    /// A WebM cut to 70% of its bytes has no index to betray it; its per-track DURATION tag does, so
    /// `--last` fails with `truncated` instead of returning the last frame that survived.
    @Test func truncatedWebMLastFails() async throws {
        let source = try Data(contentsOf: try await TestCorpus.shared.url(.vp9Opus))
        let dir = TestCorpus.shared.scratchDirectory("webm")
        let path = dir.appendingPathComponent("cut.webm").path
        try source.prefix(source.count * 7 / 10).write(to: URL(fileURLWithPath: path))
        let output = dir.appendingPathComponent("out.png").path
        do {
            let frame = try FrameExtractor.extractToFile(from: path, .last, to: output)
            Issue.record("a truncated WebM gave a frame at \(frame.time) s")
        } catch let error as MediaError {
            #expect(caseName(error) == "truncated", "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        // The frames that are there can still be had by index.
        #expect(try FrameExtractor.extract(from: path, .index(3)).index == 3)
    }

    /// Really odd dimensions (the corpus `oddDimensions` recipe comes out 320x240, as testsrc2 rounds):
    /// a 321x241 4:4:4 clip gives 321x241 frames equal to the CLI's, and JPEG/WebP keep the size.
    @Test func oddDimensionsSurvive() async throws {
        let dir = TestCorpus.shared.scratchDirectory("odd")
        let path = dir.appendingPathComponent("odd.mp4").path
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=s=322x242:r=24:d=1", "-vf", "format=yuv444p,crop=321:241:0:0", "-frames:v", "24",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", path,
        ])
        let frame = try FrameExtractor.extract(from: path, .last)
        #expect(frame.image.width == 321 && frame.image.height == 241)
        let expected = try FrameOracle.frame(path, index: 23, width: 321, height: 241)
        #expect(frame.image.psnr(expected) ?? 0 >= matchingPSNR)
        for name in ["odd.jpg", "odd.webp", "odd.png"] {
            let out = dir.appendingPathComponent(name).path
            try FrameExtractor.extractToFile(from: path, .index(12), to: out)
            let info = try FrameOracle.streamInfo(out)
            #expect(info["width"] == "321" && info["height"] == "241", "\(name)")
        }
    }

    /// A file without video gives `noStream`, for every selector.
    @Test func audioOnlyFileHasNoVideo() async throws {
        let path = TestCorpus.shared.scratchDirectory("audio").appendingPathComponent("tone.m4a").path
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", path])
        for selector in [FrameSelector.first, .last, .index(0), .time(0)] {
            #expect(throws: MediaError.noStream(path: path, kind: "video")) { try FrameExtractor.extract(from: path, selector) }
        }
    }

    /// The pixel limit is checked from the stream parameters before decoding.
    @Test func pixelLimitIsEnforced() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        #expect(throws: MediaError.tooManyPixels(path: path, width: 1280, height: 720, limit: 100_000)) {
            try FrameExtractor.extract(from: path, .last, options: FrameOptions(pixelLimit: 100_000))
        }
    }

    /// An unknown output extension fails before decoding and writes nothing.
    @Test func unknownOutputExtensionFails() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let scratch = TestCorpus.shared.scratchDirectory("ext")
        #expect(throws: MediaError.self) {
            try FrameExtractor.extractToFile(from: path, .last, to: scratch.appendingPathComponent("out.gif").path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }
}

/// The case name of a `MediaError` ("truncated", "tooManyPixels", ...).
func caseName(_ error: MediaError) -> String {
    String(String(describing: Mirror(reflecting: error).children.first?.label ?? "\(error)").prefix { $0 != "(" })
}
