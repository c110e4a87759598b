import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// `ConcatOptions.edits`: frames dropped at a segment's head and tail (only the GOPs cut inside re-encoded, the
/// rest copied bit for bit) and a colour correction ramped over a segment (re-encoded GOP by GOP, or on the way
/// into the one encoder), with exact frame counts, audio cut to the kept span and clear errors.
@Suite struct SegmentEditTests {
    static let audioFrame = 1024.0 / 48000
    /// A correction like the chain's (darker, more saturated, warmer), strong enough that a corrected frame is far
    /// from its source.
    static let warm = LabTransfer(matrix: [0.92, 0, 0, 0, 1.12, 0, 0, 0, 1.12], offset: [-2, 5, 8])

    /// Per video packet in decode order: the MD5 of its data (ffprobe).
    static func packetHashes(_ path: String) throws -> [String] {
        let out = try runProcess(
            "ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-show_packets", "-show_data_hash", "md5", "-show_entries", "packet=data_hash",
                "-of", "csv=p=0", path,
            ])
        return out.stdoutText.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Decoded frame `index` of `path` as a picture.
    static func picture(_ path: String, _ index: Int) throws -> PixelImage {
        try FrameExtractor.extract(from: path, .index(index)).image
    }

    /// Frames [a, a+n) of `out` are frames [b, b+n) of `source` (PSNR above 35 dB), and not the neighbours'.
    static func expectFrames(_ out: String, from a: Int, are source: String, from b: Int, count n: Int, sourceFrames: Int) throws {
        guard n > 0 else { return }
        let right = try ConcatOracle.psnr(out, from: a, source, from: b, count: n)
        #expect(right > 35, "frames \(a)..<\(a + n) vs \(b): \(right) dB")
        for shift in [-1, 1] where b + shift >= 0 && b + shift + n <= sourceFrames {
            let wrong = try ConcatOracle.psnr(out, from: a, source, from: b + shift, count: n)
            #expect(right > wrong + 2, "frames \(a)..<\(a + n): \(right) dB at \(b), \(wrong) dB at \(b + shift)")
        }
    }

    /// Frame `a` of `out` shows frame `b` of `source` as a picture (PSNR above 32 dB in R'G'B', whatever the
    /// matrices), and not its neighbours.
    static func expectPicture(_ out: String, _ a: Int, is source: String, _ b: Int, sourceFrames: Int) throws {
        let got = try picture(out, a)
        let right = try #require(got.psnr(try picture(source, b)))
        #expect(right > 32, "frame \(a) vs \(b): \(right) dB")
        for n in [b - 1, b + 1] where n >= 0 && n < sourceFrames {
            let wrong = try #require(got.psnr(try picture(source, n)))
            #expect(right > wrong + 2, "frame \(a): \(right) dB at \(b), \(wrong) dB at \(n)")
        }
    }

    /// Head and tail drops of 0..47 frames on the middle of three 48-frame segments (GOPs of 24): the output has
    /// exactly the kept frames in order; the other segments and the middle one's untouched GOPs are the source
    /// packets byte for byte; only a GOP cut inside is re-encoded; durations and audio agree.
    @Test(arguments: [(1, 0), (3, 2), (24, 0), (25, 0), (0, 1), (0, 24), (0, 25), (10, 30), (47, 0), (0, 47), (30, 7)])
    func dropsKeepExactlyTheExpectedFrames(_ head: Int, _ tail: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-drops")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let edits = [SegmentEdit(), SegmentEdit(dropHead: head, dropTail: tail)]
        let report = try Concatenator.concatenate(segments, to: out, options: .init(edits: edits))

        let kept = 48 - head - tail
        #expect(report.framesOut == 96 + kept)
        #expect(report.segments.map(\.framesOut) == [48, kept, 48])
        #expect(report.segments.map(\.droppedHead) == [0, head, 0])
        #expect(report.segments.map(\.droppedTail) == [0, tail, 0])
        #expect(report.segments.map(\.video) == ["copied", "copied", "copied"])
        // The GOPs [0, 24) and [24, 48): one is re-encoded when the cut falls inside it.
        let cutInside = [0..<24, 24..<48].filter { gop in
            let keep = gop.clamped(to: head..<(48 - tail))
            return !keep.isEmpty && keep != gop
        }
        let reencoded = cutInside.reduce(0) { $0 + $1.clamped(to: head..<(48 - tail)).count }
        #expect(report.segments[1].reencodedFrames == reencoded)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)

        let md5 = try ConcatOracle.frameMD5s(out)
        let src = try segments.map { try ConcatOracle.frameMD5s($0) }
        #expect(md5.count == 96 + kept)
        #expect(Array(md5[0..<48]) == src[0])
        #expect(Array(md5[(48 + kept)...]) == src[2])
        for gop in [0..<24, 24..<48] {
            let keep = gop.clamped(to: head..<(48 - tail))
            guard !keep.isEmpty else { continue }
            let at = 48 + keep.lowerBound - head
            if keep == gop {
                #expect(Array(md5[at..<(at + keep.count)]) == Array(src[1][keep]), "GOP \(gop) copied")
            } else {
                try Self.expectFrames(out, from: at, are: segments[1], from: keep.lowerBound, count: keep.count, sourceFrames: 48)
            }
        }
        // Packets: the first and last segments' are the source's, byte for byte; so are the middle one's copied GOPs.
        let packets = try Self.packetHashes(out)
        let sourcePackets = try segments.map { try Self.packetHashes($0) }
        #expect(packets.count == 96 + kept)
        #expect(Array(packets[0..<48]) == sourcePackets[0])
        #expect(Array(packets[(48 + kept)...]) == sourcePackets[2])
        let middle = Set(packets[48..<(48 + kept)])
        for gop in [0..<24, 24..<48] where gop.clamped(to: head..<(48 - tail)) == gop {
            #expect(Set(sourcePackets[1][gop]).isSubset(of: middle), "GOP \(gop)'s packets are copied")
        }
        let d = try ConcatOracle.durations(out)
        #expect(d.frames == 96 + kept)
        #expect(abs(d.video - Double(96 + kept) / 24) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
    }

    /// A segment's audio covers exactly its kept video: with 7 frames cut from the first segment's tail and 3 from
    /// the second's head, each segment's burst starts where its video does.
    @Test func audioFollowsTheKeptSpan() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-audio")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let edits = [SegmentEdit(dropTail: 7), SegmentEdit(dropHead: 3)]
        let report = try Concatenator.concatenate(segments, to: out, options: .init(edits: edits))
        #expect(report.framesOut == 41 + 45 + 48)
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        #expect(onsets.count == 3)
        for (t, expected) in zip(onsets, [0.0, 41.0 / 24, 86.0 / 24]) {
            #expect(abs(t - expected) <= Self.audioFrame, "onset \(t) vs \(expected)")
        }
        let d = try ConcatOracle.durations(out)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
    }

    /// Under `drop-first` an edit's head drop includes the seam's frame (3, not 4); the other later segment loses 1.
    @Test func dropFirstCountsOnceWithAHeadDrop() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-dropfirst")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(
            segments, to: out, options: .init(seam: .dropFirst, edits: [SegmentEdit(), SegmentEdit(dropHead: 3)]))
        #expect(report.segments.map(\.droppedHead) == [0, 3, 1])
        #expect(report.segments.map(\.framesOut) == [48, 45, 47])
        #expect(report.framesOut == 140)
        #expect(try ConcatOracle.durations(out).frames == 140)
        try Self.expectFrames(out, from: 48, are: segments[1], from: 3, count: 21, sourceFrames: 48)
        try Self.expectFrames(out, from: 93, are: segments[2], from: 1, count: 23, sourceFrames: 48)
    }

    /// A colour edit on the middle segment, copied path (its GOPs re-encoded, the others' packets untouched) and
    /// encode path (`--reencode always`), with and without drops: its first kept frame is the source's corrected
    /// at `head / 47` (the source itself when nothing is dropped), its last at `(47 - tail) / 47` (full
    /// correction when nothing is dropped), a middle one at its own index.
    @Test(arguments: [(ReencodePolicy.auto, 0, 0), (.auto, 5, 4), (.always, 0, 0), (.always, 5, 4)])
    func colourIsRampedOverTheOriginalFrames(_ policy: ReencodePolicy, _ head: Int, _ tail: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-colour")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let edits = [SegmentEdit(), SegmentEdit(dropHead: head, dropTail: tail, colour: Self.warm)]
        let report = try Concatenator.concatenate(segments, to: out, options: .init(reencode: policy, edits: edits))

        let kept = 48 - head - tail
        #expect(report.segments.map(\.framesOut) == [48, kept, 48])
        #expect(report.segments[1].colour == Self.warm)
        #expect(report.segments[1].video == "reencoded")
        #expect(report.segments[0].colour == nil)
        #expect(try ConcatOracle.durations(out).frames == 96 + kept)
        #expect(try ConcatOracle.decodeErrors(out).isEmpty)
        if policy == .auto {
            #expect(report.segments.map(\.video) == ["copied", "reencoded", "copied"])
            #expect(report.segments[1].reencodedFrames == kept)
            let packets = try Self.packetHashes(out)
            #expect(Array(packets[0..<48]) == (try Self.packetHashes(segments[0])))
            #expect(Array(packets[(48 + kept)...]) == (try Self.packetHashes(segments[2])))
        }
        // Source frame i of the middle segment is at output 48 + i - head, corrected at i / 47.
        for i in [head, 24, 47 - tail] {
            let source = try Self.picture(segments[1], i)
            let expected = Self.warm.apply(to: source, progress: Double(i) / 47)
            let got = try Self.picture(out, 48 + i - head)
            let match = try #require(got.psnr(expected))
            #expect(match > 30, "frame \(i): \(match) dB against its correction")
            if i > 20 {
                let uncorrected = try #require(got.psnr(source))
                #expect(uncorrected < match - 5, "frame \(i): \(uncorrected) dB against the uncorrected source, \(match) corrected")
            }
        }
        if head == 0 { try Self.expectPicture(out, 48, is: segments[1], 0, sourceFrames: 48) }
    }

    /// Mixed segments under the encode plan: a compatible one cut at its tail, an incompatible one (640x360 at
    /// 30 fps) cut at its head, and a corrected one cut at its head; exact frame counts and the right frames.
    @Test func mixedSegmentsApplyTheEditsOnTheWayIntoTheEncoder() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-mixed")
        let a = try ConcatOracle.segment("a.mp4", in: dir)
        let b = try ConcatOracle.segment("b.mp4", in: dir, .init(width: 640, height: 360, rate: 30, profile: "main", bframes: 0, gop: 30))
        let c = try ConcatOracle.segment("c.mp4", in: dir)
        let out = dir.appendingPathComponent("mix.mp4").path
        let edits = [SegmentEdit(dropTail: 5), SegmentEdit(dropHead: 3), SegmentEdit(dropHead: 2, colour: Self.warm)]
        let report = try Concatenator.concatenate([a, b, c], to: out, options: .init(edits: edits))

        #expect(report.segments.allSatisfy { $0.video == "reencoded" })
        // b: 57 of 60 frames at 30 fps last 1.9 s, 45.6 frames at 24 fps: 46.
        #expect(report.segments.map(\.framesOut) == [43, 46, 46])
        #expect(report.framesOut == 135)
        let d = try ConcatOracle.durations(out)
        #expect(d.frames == 135)
        #expect(abs(d.video - 135.0 / 24) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
        // Re-encoded in BT.709 from BT.601 sources: compared as pictures.
        for i in [0, 21, 42] { try Self.expectPicture(out, i, is: a, i, sourceFrames: 48) }
        let last = try #require(Self.picture(out, 134).psnr(Self.warm.apply(to: Self.picture(c, 47), progress: 1)))
        #expect(last > 30)
        let first = try #require(Self.picture(out, 89).psnr(Self.warm.apply(to: Self.picture(c, 2), progress: 2.0 / 47)))
        #expect(first > 30)
    }

    /// Under `crossfade` the edits' drops come first and the kept frames are blended (all video re-encoded).
    @Test func crossfadeBlendsTheKeptFrames() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-xfade")
        let segments = try (1...3).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(
            segments, to: out, options: .init(seam: .crossfade(frames: 2), edits: [SegmentEdit(dropTail: 4), SegmentEdit(dropHead: 3)]))
        #expect(report.segments.allSatisfy { $0.video == "reencoded" })
        #expect(report.segments[0].reason?.contains("segment edits") == true)
        #expect(report.framesOut == 44 + 45 + 48 - 4)
        #expect(try ConcatOracle.durations(out).frames == 133)
        // The first segment's kept frames before the blend, and the second's after it, are the right ones.
        try Self.expectPicture(out, 30, is: segments[0], 30, sourceFrames: 48)
        try Self.expectPicture(out, 42 + 10, is: segments[1], 3 + 10, sourceFrames: 48)
    }

    /// Drops on GOP boundaries need no re-encoding, so `--reencode never` copies them; a drop inside a GOP under
    /// `--reencode never` is refused naming the segment.
    @Test func boundaryDropsAreCopiedUnderNever() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-never")
        let segments = try (1...2).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(
            segments, to: out, options: .init(reencode: .never, edits: [SegmentEdit(dropTail: 24), SegmentEdit(dropHead: 24)]))
        #expect(report.segments.map(\.reencodedFrames) == [0, 0])
        #expect(report.framesOut == 48)
        let src = try segments.map { try ConcatOracle.frameMD5s($0) }
        #expect(try ConcatOracle.frameMD5s(out) == Array(src[0][0..<24]) + Array(src[1][24..<48]))
        let d = try ConcatOracle.durations(out)
        #expect(abs(d.video - 2) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= Self.audioFrame)
        do {
            _ = try Concatenator.concatenate(
                segments, to: dir.appendingPathComponent("no.mp4").path, options: .init(reencode: .never, edits: [SegmentEdit(dropTail: 3)]))
            Issue.record("expected an error")
        } catch let error as MediaError {
            #expect(error.description.contains(segments[0]))
            #expect(error.description.contains("--reencode never"))
        }
    }

    /// Impossible edits are refused naming the segment (or the counts), and nothing is written.
    @Test(arguments: [
        ([SegmentEdit(dropHead: -1)], "cannot be negative"), ([SegmentEdit(), SegmentEdit(dropHead: 30, dropTail: 18)], "leaves no frame"),
        ([SegmentEdit(), SegmentEdit(dropTail: 60)], "leaves no frame"),
        ([SegmentEdit(colour: LabTransfer(matrix: [1, 0, 0, 0, .nan, 0, 0, 0, 1], offset: [0, 0, 0]))], "not finite"),
        ([SegmentEdit(), SegmentEdit(), SegmentEdit()], "3 segment edits for 2 segments"),
    ])
    func impossibleEditsAreRefused(_ edits: [SegmentEdit], _ message: String) throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-bad")
        let segments = try (1...2).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        do {
            _ = try Concatenator.concatenate(segments, to: out, options: .init(edits: edits))
            Issue.record("expected an error")
        } catch MediaError.invalidArgument(let text) {
            #expect(text.contains(message), "\(text)")
            if edits.count <= 2 { #expect(text.contains(segments[edits.count - 1]), "\(text)") }
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// The report's JSON has the per-segment drops and colour in snake case.
    @Test func reportJSONHasTheEdits() throws {
        let dir = TestCorpus.shared.scratchDirectory("edit-json")
        let segments = try (1...2).map { try ConcatOracle.segment("s\($0).mp4", in: dir) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(
            segments, to: out, options: .init(edits: [SegmentEdit(dropTail: 2), SegmentEdit(dropHead: 3, colour: Self.warm)]))
        let json = try report.json()
        #expect(json.contains("\"dropped_head\" : 3"))
        #expect(json.contains("\"dropped_tail\" : 2"))
        #expect(json.contains("\"colour\" : {"))
        #expect(report.summary().contains("48 -> 45 frames (3 dropped at the head, 0 at the tail), colour-corrected"))
    }
}
