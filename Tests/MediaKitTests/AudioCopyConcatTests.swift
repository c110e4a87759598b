import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// Concat's audio at stream-copy speed: AAC packets copied, only the frames around each seam encoded again.
@Suite struct AudioCopyConcatTests {
    static let rate = 48000

    /// A 64x64 segment of `seconds` with `audio` (an aevalsrc expression of t, in one channel or two), AAC at 128 kb/s
    /// without perceptual noise substitution (its noise comes from the decoder's random generator, so noise bands
    /// decode differently after any other packets: no copy can keep them bit for bit).
    static func segment(
        _ name: String, in dir: URL, seconds: Double, audio: String?, sampleRate: Int = rate, channels: Int = 2, profile: String = "aac_low"
    ) throws -> String {
        let out = dir.appendingPathComponent(name).path
        var args = ["-f", "lavfi", "-i", "testsrc2=s=64x64:r=24:d=\(seconds)"]
        if let audio { args += ["-f", "lavfi", "-i", "aevalsrc='\(audio)':s=\(sampleRate):d=\(seconds)"] }
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "12"]
        if audio != nil { args += ["-c:a", "aac", "-aac_pns", "0", "-profile:a", profile, "-b:a", "128k", "-ac", "\(channels)"] }
        try ffmpeg(args + [out])
        return out
    }

    /// A signal without a period of its own: two tones, one of them gliding.
    static func music(_ k: Int) -> String {
        "0.3*sin(2*PI*\(220 + 37 * k)*t)+0.2*sin(2*PI*(\(900 + 53 * k)+150*t)*t)"
    }

    /// The decoded audio as ffmpeg renders it (edit list applied), interleaved float, channels as they are.
    static func decode(_ path: String) throws -> [Float] {
        let out = try runProcess("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a:0", "-f", "f32le", "-"])
        return out.stdout.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Signal-to-noise ratio (dB) of `x[a ..< a + count]` against the reference `y[b ..< b + count]` (interleaved).
    static func snr(_ x: [Float], from a: Int, _ y: [Float], from b: Int, count: Int) -> Double {
        var signal = 0.0
        var noise = 0.0
        for i in 0..<count where a + i >= 0 && a + i < x.count && b + i >= 0 && b + i < y.count {
            let r = Double(y[b + i])
            signal += r * r
            noise += (Double(x[a + i]) - r) * (Double(x[a + i]) - r)
        }
        return noise == 0 ? 200 : 10 * log10(signal / noise)
    }

    /// Four segments: the packets are copied, the output decodes bit for bit as each segment away from the
    /// seams, the first 4096 samples after each seam stay close to the source, and every segment's audio is
    /// within half an AAC frame of its video.
    @Test func copiedPacketsDecodeAsTheirSegments() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-copy")
        let segments = try (0..<4).map { try Self.segment("s\($0).mp4", in: dir, seconds: 2, audio: Self.music($0)) }
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(segments, to: out)
        let audio = try #require(report.audio)
        #expect(audio.method == "copied")
        #expect(audio.reason == nil)
        #expect(audio.segments.count == 4)
        // A few frames re-encoded per seam (more when a short window sits next to it); everything else copied.
        #expect(audio.encodedPackets <= 4 * 3)
        #expect(audio.copiedPackets + audio.encodedPackets == Int((8.0 * 48000 / 1024).rounded(.up)) + 1)

        let decoded = try Self.decode(out)
        var worst = 200.0
        for (k, path) in segments.enumerated() {
            let source = try Self.decode(path)
            let seg = audio.segments[k]
            let move = try #require(seg.offsetSamples)
            #expect(abs(move) <= 512)
            let shift = k * 2 * Self.rate + move  // output sample = source sample + shift
            let from = Int(try #require(seg.copiedFrom)) + 1024
            let until = Int(try #require(seg.copiedUntil))
            #expect(until - from > 80_000)
            // Bit for bit from the second copied frame on (the first one's overlap comes from the window).
            let lo = max(0, from, shift)
            let hi = min(until, 8 * Self.rate, source.count / 2 + shift)
            let same = (lo..<hi).allSatisfy { t in
                decoded[2 * t] == source[2 * (t - shift)] && decoded[2 * t + 1] == source[2 * (t - shift) + 1]
            }
            #expect(same, "segment \(k) differs from its own decode in the copied frames")
            if k > 0 {
                let seam = k * 2 * Self.rate
                let value = Self.snr(decoded, from: 2 * seam, source, from: 2 * (seam - shift), count: 2 * 4096)
                worst = min(worst, value)
            }
        }
        print("audio copy: worst SNR over the 4096 samples after a seam: \(String(format: "%.1f", worst)) dB")
        #expect(worst > 20)
        let d = try ConcatOracle.durations(out)
        #expect(abs((d.audio ?? 0) - d.video) <= 1024.0 / 48000)
    }

    /// 60 one-second segments, each with a 0.25 s burst at its start: every burst plays within one AAC frame of
    /// its segment's first video frame, the last as well as the first (no drift).
    @Test func sixtySegmentsStayInSync() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-copy-60")
        let one = try Self.segment("burst.mp4", in: dir, seconds: 1, audio: "if(lt(t,0.25),0.5*sin(2*PI*1000*t),0)")
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate(Array(repeating: one, count: 60), to: out)
        #expect(report.audio?.method == "copied")
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        #expect(onsets.count == 60)
        let worst = onsets.enumerated().map { abs($1 - Double($0)) }.max() ?? 1
        print("audio copy: worst A/V offset over 60 seams: \(String(format: "%.2f", worst * 1000)) ms")
        #expect(worst <= 1024.0 / 48000)
        let d = try ConcatOracle.durations(out)
        #expect(abs(d.video - 60) < 0.001)
        #expect(abs((d.audio ?? 0) - d.video) <= 1024.0 / 48000)
    }

    /// A segment without audio gets silence, only the frames at its seams are encoded, and the segments
    /// around it keep their copied packets.
    @Test func segmentWithoutAudioIsSilence() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-copy-silent")
        let a = try Self.segment("a.mp4", in: dir, seconds: 2, audio: Self.music(1))
        let b = try Self.segment("b.mp4", in: dir, seconds: 2, audio: nil)
        let c = try Self.segment("c.mp4", in: dir, seconds: 2, audio: Self.music(2))
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate([a, b, c], to: out)
        let audio = try #require(report.audio)
        #expect(audio.method == "copied")
        #expect(audio.segments[1].copiedFrom == nil)
        #expect(audio.segments[0].copiedFrom != nil && audio.segments[2].copiedFrom != nil)
        // Only the frames at its two seams are encoded; its middle is one silent packet repeated.
        #expect(audio.encodedPackets <= 4 * 2)
        #expect(audio.silentPackets >= 2 * 48000 / 1024 - 8)
        let decoded = try Self.decode(out)
        // The silent segment's middle is digital silence; its neighbours are loud up to their seams.
        let middle = decoded[(2 * (2 * Self.rate + 2048))..<(2 * (4 * Self.rate - 2048))]
        #expect(middle.allSatisfy { abs($0) < 1e-4 })
        #expect(Self.snr(decoded, from: 2 * 4096, try Self.decode(a), from: 2 * 4096, count: 2 * 4096) > 60)
        let d = try ConcatOracle.durations(out)
        #expect(abs((d.audio ?? 0) - d.video) <= 1024.0 / 48000)
    }

    /// Segments at 44.1 kHz and in mono are converted (libswresample) into the first one's 48 kHz stereo, with
    /// the reason in the report, and every burst still plays with its video.
    @Test(arguments: [(44100, 2, "sample rate"), (48000, 1, "channel layout")])
    func otherRatesAndLayoutsAreReencoded(_ rate: Int, _ channels: Int, _ why: String) throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-mixed-\(rate)-\(channels)")
        let burst = "if(lt(t,0.25),0.5*sin(2*PI*1000*t),0)"
        let a = try Self.segment("a.mp4", in: dir, seconds: 2, audio: burst)
        let b = try Self.segment("b.mp4", in: dir, seconds: 2, audio: burst, sampleRate: rate, channels: channels)
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate([a, b, a], to: out)
        let audio = try #require(report.audio)
        #expect(audio.method == "reencoded")
        #expect(audio.reason?.hasPrefix(b) == true)
        #expect(audio.reason?.contains(why) == true, "\(audio.reason ?? "")")
        #expect(try report.json().contains("\"reason\" : \"\(b):"))
        let onsets = ConcatOracle.onsets(try ConcatOracle.audioSamples(out))
        #expect(onsets.count == 3)
        for (k, t) in onsets.enumerated() { #expect(abs(t - Double(2 * k)) <= 1024.0 / 48000, "seam \(k): \(t)") }
        let info = try MediaProbe.probe(out)
        #expect(info.audio?.audio?.sampleRate == 48000)
    }

    /// Another AAC profile (Main) cannot be copied: the audio is re-encoded and the report says why.
    @Test func otherProfileFallsBack() throws {
        let dir = TestCorpus.shared.scratchDirectory("audio-profile")
        let a = try Self.segment("a.mp4", in: dir, seconds: 1, audio: Self.music(0))
        let b = try Self.segment("b.mp4", in: dir, seconds: 1, audio: Self.music(1), profile: "aac_main")
        let out = dir.appendingPathComponent("out.mp4").path
        let report = try Concatenator.concatenate([a, b], to: out)
        #expect(report.audio?.method == "reencoded")
        #expect(report.audio?.reason?.contains("profile") == true, "\(report.audio?.reason ?? "")")
    }
}
