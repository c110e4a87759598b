import Foundation
import MediaKit
import MediaTestSupport
import Testing

@Suite struct TrimTests {
    /// Exact trim of a short B-frame clip, start and end inside GOPs: a full re-encode whose frames are exactly the
    /// source's frames 32...88 (1.3 s to 3.7 s at 24 fps; lossless, so the decoded pixels must be identical).
    @Test func exactShortClipHasExactlyTheSourceFrames() async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let out = TestCorpus.shared.scratchDirectory("trim-exact").appendingPathComponent("t.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 1.3, end: 3.7, lossless: true))
        #expect(result.method == .fullReencode)
        #expect(result.frames == 57)
        #expect(abs(result.actualStart - 32.0 / 24) < 1e-6 && abs(result.actualEnd - 89.0 / 24) < 1e-6)
        let expected = try TrimOracle.frameHashes(input, filter: "trim=start_frame=32:end_frame=89")
        #expect(expected.count == 57)
        #expect(try TrimOracle.frameHashes(out) == expected)
    }

    /// Exact trims of awkward inputs (fragmented, variable frame rate, rotated, edit-listed, 10-bit HEVC, VP9 in
    /// WebM) hold exactly the source's frames shown in [1.2 s, 2.9 s), decoded pixel for pixel (lossless).
    @Test(arguments: [Fixture.fragmented, .variableFrameRate, .rotated90, .editListCut, .hevc10bit, .vp9Opus])
    func exactTrimOfAwkwardInputs(_ fixture: Fixture) async throws {
        let input = try await TestCorpus.shared.path(fixture)
        let out = TestCorpus.shared.scratchDirectory("trim-awkward").appendingPathComponent("t.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 1.2, end: 2.9, lossless: true))
        let expected = try TrimOracle.frameHashes(input, filter: "trim=start=1.2:end=2.9")
        #expect(!expected.isEmpty)
        #expect(result.frames == expected.count)
        #expect(try TrimOracle.frameHashes(out) == expected, "\(fixture)")
    }

    /// The default (lossy) exact trim keeps the source's picture format and the right frame count and duration.
    @Test func exactTrimMatchesSourceFormat() async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let out = TestCorpus.shared.scratchDirectory("trim-format").appendingPathComponent("t.mp4").path
        _ = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 0.5, end: 2.5))
        let keys = "width,height,pix_fmt,profile,sample_aspect_ratio,color_space,color_primaries,color_transfer,r_frame_rate,codec_name"
        let source = try TrimOracle.stream(input, "v", keys)
        let trimmed = try TrimOracle.stream(out, "v", keys + ",nb_read_frames,duration", countFrames: true)
        for key in keys.split(separator: ",").map(String.init) { #expect(trimmed[key] == source[key], "\(key)") }
        #expect(trimmed["nb_read_frames"] == "48")
        #expect(trimmed["duration"] == "2.000000")
    }

    /// Audio is cut to the trimmed video's duration (within one AAC frame of 1024 samples).
    @Test(arguments: [TrimMode.exact, .keyframe])
    func audioMatchesVideoDuration(_ mode: TrimMode) async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let out = TestCorpus.shared.scratchDirectory("trim-audio").appendingPathComponent("t.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 1.1, end: 3.3, mode: mode))
        let video = try #require(Double(try TrimOracle.stream(out, "v", "duration")["duration"] ?? ""))
        let audio = try #require(Double(try TrimOracle.stream(out, "a", "duration")["duration"] ?? ""))
        #expect(abs(video - audio) <= 1024.0 / 48000, "video \(video) audio \(audio)")
        #expect(abs(video - result.videoDuration) < 0.001)
        #expect(try TrimOracle.decodesCleanly(out))
    }

    /// Keyframe mode: the reported cut points are keyframes of the source, and the output's packets are the
    /// source's packets from the first to just before the second, byte for byte.
    @Test func keyframeModeIsAPureCopy() async throws {
        let input = try await TrimMedia.shared.longClip()
        let out = TestCorpus.shared.scratchDirectory("trim-key").appendingPathComponent("k.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 10.3, end: 20.7, mode: .keyframe))
        #expect(result.method == .streamCopy)
        let keys = try TrimOracle.keyframeTimes(input)
        #expect(keys.contains { abs($0 - result.actualStart) < 1e-6 })
        #expect(keys.contains { abs($0 - result.actualEnd) < 1e-6 })
        #expect(result.actualStart <= 10.3 && result.actualEnd >= 20.7)
        #expect(result.actualStart == 10 && result.actualEnd == 22)
        let source = try TrimOracle.packetHashes(input)
        let first = Int((result.actualStart * 24).rounded())
        let last = Int((result.actualEnd * 24).rounded())
        #expect(try TrimOracle.packetHashes(out) == Array(source[first..<last]))
    }

    /// Exact trim of a long clip is a smart cut: the right frames (lossless re-encoded ends decode to the source's
    /// pixels), the copied GOPs are the source's packets, and ffmpeg decodes it without errors.
    @Test func exactLongClipIsASmartCut() async throws {
        let input = try await TrimMedia.shared.longClip()
        let out = TestCorpus.shared.scratchDirectory("trim-smart").appendingPathComponent("s.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 10.3, end: 20.7, lossless: true))
        #expect(result.method == .smartCut)
        // Frames 248 (10.333 s) ... 496 (20.667 s); GOPs start every 48 frames: head 248..<288, copy 288..<480, tail 480...496.
        #expect(result.frames == 249 && result.copiedFrames == 192 && result.reencodedFrames == 57)
        let expected = try TrimOracle.frameHashes(input, filter: "trim=start_frame=248:end_frame=497")
        let actual = try TrimOracle.frameHashes(out)
        #expect(actual.count == 249)
        #expect(Array(actual[0..<40]) == Array(expected[0..<40]), "head")
        #expect(Array(actual[232...]) == Array(expected[232...]), "tail")
        let sourcePackets = Set(try TrimOracle.packetHashes(input)[288..<480])
        let outputPackets = try TrimOracle.packetHashes(out)
        #expect(outputPackets.filter { sourcePackets.contains($0) }.count == 192)
        #expect(try TrimOracle.decodesCleanly(out))
        // The copied GOPs, decoded from their first IDR with the combined avcC, are the source's pixels.
        // (A continuous decode through the re-encoded head differs in a few pixels by 1-2 levels in FFmpeg 5.1.)
        let copied = try TrimOracle.frameHashes(out, seek: "1.666667")
        #expect(Array(copied.prefix(192)) == Array(expected[40..<232]))
        let info = try TrimOracle.stream(out, "v", "nb_read_frames,duration", countFrames: true)
        #expect(info["nb_read_frames"] == "249")
        #expect(info["duration"] == "10.375000")
    }

    /// Asking for a full re-encode of a long clip reports the path taken and why.
    @Test func smartCutCanBeTurnedOff() async throws {
        let input = try await TrimMedia.shared.longClip()
        let out = TestCorpus.shared.scratchDirectory("trim-nosmart").appendingPathComponent("s.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 30.1, end: 31.1, allowSmartCut: false))
        #expect(result.method == .fullReencode)
        #expect(result.fallbackReason == "smart cut is disabled")
        #expect(result.frames == 24)
    }

    /// Bad ranges and unreadable inputs throw and leave nothing behind.
    @Test func badInputLeavesNothing() async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory("trim-bad")
        let out = dir.appendingPathComponent("t.mp4").path
        #expect(throws: MediaError.self) { try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 6, end: 7)) }
        #expect(throws: MediaError.self) { try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 2, end: 1)) }
        #expect(throws: MediaError.self) { try Trimmer.trim(input: input, output: input, options: TrimOptions(start: 0, end: 1)) }
        for bad in BadInput.allCases {
            let path = try await TestCorpus.shared.badInput(bad).path
            #expect(throws: MediaError.self) { try Trimmer.trim(input: path, output: out, options: TrimOptions(start: 0, end: 1)) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
