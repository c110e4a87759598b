import CFFmpeg
import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// Where a segment's audio goes (`AudioSpan`) and the trim's smart cut with its AAC packets copied.
@Suite struct AudioSeamTests {
    /// The span follows the video kept: a head trim moves the source start, the end is the video's end
    /// rescaled, and a span never runs backwards.
    @Test func spanFollowsTheKeptVideo() {
        let tb = AVRational(num: 1, den: 12288)
        // Two frames of 512 ticks trimmed at the head, the kept video ending at output tick 24576 (2 s).
        let span = AudioSpan(
            sourcePts: 1024, sourceTimeBase: tb, outputStart: 48000, outputEndTicks: 24576 + 12288, outputTimeBase: tb, sampleRate: 48000)
        #expect(span.sourceStart == 1024.0 / 12288)
        #expect(span.outputStart == 48000 && span.outputEnd == 144_000)
        #expect(span.count == 96000)
        #expect(AudioSpan(sourceStart: 0, outputStart: 100, outputEnd: 50).count == 0)
    }

    /// Head and tail trims of any number of frames (what `ConcatOptions.edits` asks of the video side) move each
    /// segment's audio with its kept video: the copied packets decode bit for bit as their segment at the place
    /// its span gives (within 512 samples), and the track ends where the last span does.
    @Test func trimmedSpansPlaceEachSegment() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-spans")
        let paths = try (0..<3).map {
            try AudioCopyConcatTests.segment("s\($0).mp4", in: dir, seconds: 2, audio: AudioCopyConcatTests.music($0 + 4))
        }
        let trims = [(head: 0, tail: 5), (head: 7, tail: 3), (head: 12, tail: 0)]  // frames of 2000 samples (24 fps)
        let out = dir.appendingPathComponent("audio.mp4").path
        let output = try OutputContainer(path: out)
        let format = try AACCopyFormat(container: InputContainer(path: paths[0]), stream: 1)
        let track = try AudioCopyTrack(output: output, format: format, bitRate: 128_000, segmentCount: 3)
        try output.writeHeader(fastStart: false)
        var starts: [Int64] = []
        for (k, path) in paths.enumerated() {
            let segment = try ConcatSegment(path: path)
            try track.begin(segment, index: k)
            // As the copy pass does: the rewound segment read whole, its audio packets handed to the track.
            let packet = Packet()
            while try segment.container.read(into: packet) {
                if packet.streamIndex == segment.audioIndex { try track.add(packet) }
                packet.unref()
            }
            let kept = Int64(48 - trims[k].head - trims[k].tail) * 2000
            starts.append(track.sampleCount)
            try track.end(
                AudioSpan(sourceStart: Double(trims[k].head) / 24, outputStart: track.sampleCount, outputEnd: track.sampleCount + kept))
        }
        let report = try track.finish()
        try output.commit()
        #expect(report.method == "copied" && report.segments.count == 3)
        let decoded = try AudioCopyConcatTests.decode(out)
        #expect(abs(decoded.count / 2 - 2000 * (48 * 3 - 27)) < 1024)
        for (k, path) in paths.enumerated() {
            let source = try AudioCopyConcatTests.decode(path)
            let move = try #require(report.segments[k].offsetSamples)
            #expect(abs(move) <= 512)
            let shift = Int(starts[k]) - trims[k].head * 2000 + move
            let from = max(0, Int(try #require(report.segments[k].copiedFrom)) + 1024, shift)
            let until = min(Int(try #require(report.segments[k].copiedUntil)), decoded.count / 2, source.count / 2 + shift)
            #expect(until - from > 60_000, "segment \(k)")
            let same = (from..<until).allSatisfy { t in decoded[2 * t] == source[2 * (t - shift)] && decoded[2 * t + 1] == source[2 * (t - shift) + 1]
            }
            #expect(same, "segment \(k)")
        }
    }

    /// The smart cut copies the source's AAC packets: the trimmed audio decodes bit for bit as the source
    /// (moved by at most half an AAC frame), and lasts as long as the video.
    @Test func smartCutCopiesAudioPackets() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-trim")
        let input = try AudioCopyConcatTests.segment("long.mp4", in: dir, seconds: 20, audio: AudioCopyConcatTests.music(3))
        let out = dir.appendingPathComponent("cut.mp4").path
        let result = try Trimmer.trim(input: input, output: out, options: TrimOptions(start: 5.3, end: 12.7))
        #expect(result.method == .smartCut)
        #expect(result.audioMethod == "copied")
        let source = try AudioCopyConcatTests.decode(input)
        let cut = try AudioCopyConcatTests.decode(out)
        let start = Int((result.actualStart * 48000).rounded())
        let count = Int(((result.actualEnd - result.actualStart) * 48000).rounded())
        #expect(abs((result.audioDuration ?? 0) - result.videoDuration) < 1.0 / 48000 + 1e-9)
        // The move that makes the output the source's samples, bit for bit, over the whole cut.
        let move = (-512...512).first { m in (0..<64).allSatisfy { i in cut[2 * i] == source[2 * (start + i - m)] } }
        let found = try #require(move, "no move of at most 512 samples makes the cut the source's samples")
        let same = (0..<min(count, cut.count / 2)).allSatisfy { i in
            cut[2 * i] == source[2 * (start + i - found)] && cut[2 * i + 1] == source[2 * (start + i - found) + 1]
        }
        #expect(same)
        let copyOff = try Trimmer.trim(
            input: input, output: out,
            options: {
                var o = TrimOptions(start: 5.3, end: 12.7); o.copyAudio = false; return o
            }())
        #expect(copyOff.audioMethod == "reencoded")
    }
}
