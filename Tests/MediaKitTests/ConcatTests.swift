import Foundation
import MediaKit
import MediaTestSupport
import Testing

@Suite struct ConcatTests {
    /// One AAC frame at 48 kHz: the sync tolerance the issue asks for.
    static let audioFrame = 1024.0 / 48000

    /// Three compatible segments are stream-copied: decoded frames identical to the inputs', in order, and
    /// each segment's audio burst starts within one AAC frame of its video.
    @Test func copiesCompatibleSegmentsInSync() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-copy")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(segments, to: out)

        #expect(report.segments.map(\.video) == ["copied", "copied", "copied"])
        #expect(report.framesOut == 144)
        let expected = try segments.flatMap { try ConcatOracle.frameMD5s($0) }
        #expect(expected.count == 144)
        #expect(try ConcatOracle.frameMD5s(out) == expected)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let d = try ConcatOracle.durations(out)
        #expect(abs(d.video - 6) < 0.001)
        #expect(d.frames == 144)
        let audio = try #require(d.audio)
        #expect(abs(audio - d.video) <= Self.audioFrame)
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        #expect(onsets.count == 3)
        for (k, t) in onsets.enumerated() { #expect(abs(t - Double(2 * k)) <= Self.audioFrame, "seam \(k): \(t)") }
        // Fast start: the index (moov) comes before the media data.
        let head = try FileHandle(forReadingFrom: URL(fileURLWithPath: out)).read(upToCount: 4096) ?? Data()
        let text = String(decoding: head, as: UTF8.self)
        let moov = try #require(text.range(of: "moov"))
        #expect(text.range(of: "mdat").map { moov.lowerBound < $0.lowerBound } ?? true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out.mp4", "s1.mp4", "s2.mp4", "s3.mp4"])
    }

    /// A compatible, an incompatible (other size, profile and frame rate) and an audio-less segment give a
    /// clean, in-sync file with the first segment's size and frame rate, silence where there was no audio.
    @Test func mixedSegmentsAreReencodedInSync() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-mix")
        let a = try ConcatOracle.segment("a.mp4", in: dir)
        let b = try ConcatOracle.segment("b.mp4", in: dir, .init(width: 640, height: 360, rate: 30, profile: "main", bframes: 0, gop: 30))
        let c = try ConcatOracle.segment("c.mp4", in: dir, .init(audio: false))
        let d = try ConcatOracle.segment("d.mp4", in: dir)
        let out = dir.appendingPathComponent("mix.mp4").path
        let report = try Concatenator.concatenate([a, b, c, d], to: out)

        #expect(report.segments.allSatisfy { $0.video == "reencoded" })
        #expect(report.segments[1].reason?.contains("640x360") == true)
        #expect(report.segments[2].hasAudio == false)
        #expect(report.framesOut == 4 * 48)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let info = try MediaProbe.probe(out)
        #expect(info.video?.video?.width == 320 && info.video?.video?.height == 180)
        #expect(info.video?.video?.frameRate == Rational(24, 1))
        let dur = try ConcatOracle.durations(out)
        #expect(dur.frames == 192)
        #expect(abs(dur.video - 8) < 0.001)
        #expect(abs((dur.audio ?? 0) - dur.video) <= Self.audioFrame)
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        #expect(onsets.count == 3)
        for (t, expected) in zip(onsets, [0.0, 2, 6]) { #expect(abs(t - expected) <= Self.audioFrame, "onset \(t) vs \(expected)") }
    }

    /// `drop-first` removes exactly one frame per seam; the first GOP of each later segment is re-encoded
    /// (and looks like the source frames 1...23), every other GOP is copied bit for bit.
    @Test func dropFirstRemovesOneFramePerSeam() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-drop")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("drop.mp4").path
        let report = try Concatenator.concatenate(segments, to: out, options: .init(seam: .dropFirst))

        #expect(report.segments.map(\.video) == ["copied", "copied", "copied"])
        #expect(report.segments.map(\.reencodedFrames) == [0, 23, 23])
        #expect(report.framesOut == 142)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let md5 = try ConcatOracle.frameMD5s(out)
        let src = try segments.map { try ConcatOracle.frameMD5s($0) }
        #expect(md5.count == 142)
        #expect(Array(md5[0..<48]) == src[0])
        #expect(Array(md5[71..<95]) == Array(src[1][24..<48]))
        #expect(Array(md5[118..<142]) == Array(src[2][24..<48]))
        #expect(try ConcatOracle.psnr(out, from: 48, segments[1], from: 1, count: 23) > 35)
        #expect(try ConcatOracle.psnr(out, from: 95, segments[2], from: 1, count: 23) > 35)
        let d = try ConcatOracle.durations(out)
        #expect(abs(d.video - 142.0 / 24) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        for (t, expected) in zip(onsets, [0.0, 2, 4 - 1.0 / 24]) { #expect(abs(t - expected) <= Self.audioFrame + 1.0 / 24) }
    }

    /// `drop-first` with later segments that are a single GOP each: those are re-encoded whole without their
    /// first frame (the last one ends the file), the first segment is copied bit for bit, durations agree.
    @Test func dropFirstReencodesSingleGOPSegments() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-drop-short")
        let a = try ConcatOracle.segment("a.mp4", in: dir)
        let b = try ConcatOracle.segment("b.mp4", in: dir, .init(seconds: 1))
        let c = try ConcatOracle.segment("c.mp4", in: dir, .init(seconds: 1))
        let out = dir.appendingPathComponent("drop.mp4").path
        let report = try Concatenator.concatenate([a, b, c], to: out, options: .init(seam: .dropFirst))

        #expect(report.segments.map(\.reencodedFrames) == [0, 23, 23])
        #expect(report.framesOut == 94)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let md5 = try ConcatOracle.frameMD5s(out)
        #expect(md5.count == 94)
        #expect(Array(md5[0..<48]) == (try ConcatOracle.frameMD5s(a)))
        #expect(try ConcatOracle.psnr(out, from: 48, b, from: 1, count: 23) > 35)
        #expect(try ConcatOracle.psnr(out, from: 71, c, from: 1, count: 23) > 35)
        let d = try ConcatOracle.durations(out)
        #expect(d.frames == 94)
        #expect(abs(d.video - 94.0 / 24) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
    }

    /// `crossfade=N` blends N frames per seam: the output has N fewer frames per seam, and durations agree.
    @Test(arguments: [1, 6])
    func crossfadeFrameCount(_ frames: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-xfade")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("xf.mp4").path
        let report = try Concatenator.concatenate(segments, to: out, options: .init(seam: .crossfade(frames: frames)))
        #expect(report.framesOut == 144 - 2 * frames)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let d = try ConcatOracle.durations(out)
        #expect(d.frames == 144 - 2 * frames)
        #expect(abs(d.video - Double(144 - 2 * frames) / 24) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
    }

    /// `crossfade=N` with 4 GOPs per segment re-encodes only the GOPs at the seams: the other GOPs are copied
    /// bit for bit, the re-encoded unblended frames look like their sources, and a blended frame lies between
    /// its two sources.
    @Test func crossfadeCopiesTheOtherGOPs() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-xfade-gops")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir, .init(gop: 12)) }
        let out = dir.appendingPathComponent("xf.mp4").path
        let report = try Concatenator.concatenate(segments, to: out, options: .init(seam: .crossfade(frames: 4)))
        #expect(report.segments.map(\.video) == ["copied", "copied", "copied"])
        // s1: last GOP (12); s2: first GOP minus 4 blended (8) + last GOP (12); s3: first GOP minus 4 (8).
        #expect(report.segments.map(\.reencodedFrames) == [12, 20, 8])
        #expect(report.framesOut == 136)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        let md5 = try ConcatOracle.frameMD5s(out)
        let src = try segments.map { try ConcatOracle.frameMD5s($0) }
        #expect(Array(md5[0..<36]) == Array(src[0][0..<36]))
        #expect(Array(md5[56..<80]) == Array(src[1][12..<36]))  // s2 frame 12 lands at 48 + 12 - 4
        #expect(Array(md5[100..<136]) == Array(src[2][12..<48]))
        #expect(try ConcatOracle.psnr(out, from: 36, segments[0], from: 36, count: 8) > 35)
        #expect(try ConcatOracle.psnr(out, from: 48, segments[1], from: 4, count: 8) > 35)
        // The middle blended frame (weight 3/5 toward s2) is closer to neither source than they are to it.
        let blended = try ConcatOracle.psnr(out, from: 46, segments[1], from: 2, count: 1)
        #expect(blended < 35)
        let d = try ConcatOracle.durations(out)
        #expect(d.frames == 136)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
    }

    /// `--reencode never` names the segment and the property that differs, and writes nothing.
    @Test func neverNamesSegmentAndProperty() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-never")
        let a = try ConcatOracle.segment("a.mp4", in: dir)
        let b = try ConcatOracle.segment("b.mp4", in: dir, .init(profile: "main"))
        let out = dir.appendingPathComponent("out.mp4").path
        do {
            _ = try Concatenator.concatenate([a, b], to: out, options: .init(reencode: .never))
            Issue.record("expected an error")
        } catch let error as MediaError {
            #expect(error.description.hasPrefix(b))
            #expect(error.description.contains("profile"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.mp4", "b.mp4"])
    }

    /// Missing, empty, random and truncated segments give one error naming the file and leave no output.
    @Test(arguments: [BadInput.missing, .empty, .randomBytes, .truncatedMoovFirst, .truncatedMoovLast])
    func badSegmentsLeaveNoOutput(_ kind: BadInput) async throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-bad")
        let good = try ConcatOracle.segment("good.mp4", in: dir)
        let bad = try await TestCorpus.shared.badInput(kind).path
        let out = dir.appendingPathComponent("out.mp4").path
        do {
            _ = try Concatenator.concatenate([good, bad], to: out)
            Issue.record("expected an error for \(kind)")
        } catch let error as MediaError {
            #expect(error.path == bad)
            #expect(!error.description.contains("\n"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["good.mp4"])
    }
}
