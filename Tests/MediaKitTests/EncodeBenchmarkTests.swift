import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// Encode speed against the ffmpeg CLI doing the same job, run on request only (it takes a while on a
/// 2-core machine): `SHOTCHAIN_ENCODE_BENCH=1 swift test --skip-build --filter EncodeBenchmarkTests`
@Suite(.serialized) struct EncodeBenchmarkTests {
    static var requested: Bool { ProcessInfo.processInfo.environment["SHOTCHAIN_ENCODE_BENCH"] != nil }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Encodes 121 testsrc2 frames (a "5 s" Kling clip), read from a raw RGB file, with and without AAC;
    /// then lets the ffmpeg CLI encode the same raw file with the same settings. Prints frames per second.
    @Test(.enabled(if: requested), arguments: [(1280, 720), (1920, 1080)])
    func encodeSpeed(width: Int, height: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("frames.rgb").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=\(width)x\(height):r=24", "-frames:v", "121", "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        let frameBytes = width * height * 3
        let tone = AudioTone.sine(frequency: 440, seconds: 121.0 / 24.0, sampleRate: 48000, channels: 2)
        let clock = ContinuousClock()
        for audio in [false, true] {
            let path = dir.appendingPathComponent("bench-\(audio).mp4").path
            var settings = VideoEncodeSettings(width: width, height: height)
            if audio { settings.audio = AudioEncodeSettings() }
            let input = try #require(FileHandle(forReadingAtPath: raw))
            defer { try? input.close() }
            var encoding = Duration.zero
            let writer = try VideoWriter(path: path, settings: settings)
            for i in 0..<121 {
                let bytes = try #require(try input.read(upToCount: frameBytes))
                let picture = PixelImage(width: width, height: height, hasAlpha: false, pixels: [UInt8](bytes))
                encoding += try clock.measure {
                    try writer.append(picture)
                    if audio {
                        let start = min(tone.count, i * 4000)
                        try writer.appendAudio(Array(tone[start..<(i == 120 ? tone.count : min(tone.count, start + 4000))]))
                    }
                }
            }
            encoding += try clock.measure { try writer.finish() }
            let s = Self.seconds(encoding)
            print(
                String(
                    format: "encode-bench VideoWriter %dx%d %@: 121 frames in %.2f s = %.1f frames/s", width, height,
                    audio ? "+aac" : "video", s, 121 / s))
            #expect(EncodeOracle.text(try EncodeOracle.streams(path, countFrames: false).first, "nb_frames") == "121")
        }
        let cliOut = dir.appendingPathComponent("cli.mp4").path
        let cli = try clock.measure {
            try ffmpeg([
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "24", "-i", raw,
                "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd", "-pix_fmt", "yuv420p",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-profile:v", "high", "-g", "48", "-bf", "2",
                "-x264-params", "scenecut=0", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
                "-color_range", "tv", "-movflags", "+faststart", cliOut,
            ])
        }
        let s = Self.seconds(cli)
        print(String(format: "encode-bench ffmpeg CLI %dx%d video: 121 frames in %.2f s = %.1f frames/s", width, height, s, 121 / s))
    }

    /// Resident memory while encoding a 50 s 720p clip with audio: it should not grow with the clip length.
    /// Run alone so the process holds nothing else:
    /// `SHOTCHAIN_ENCODE_BENCH=1 swift test --skip-build --filter EncodeBenchmarkTests/memoryStaysFlat`
    @Test(.enabled(if: requested)) func memoryStaysFlat() throws {
        func status(_ key: String) -> Int {
            let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        let dir = TestCorpus.shared.scratchDirectory("encode-memory")
        defer { try? FileManager.default.removeItem(at: dir) }
        var settings = VideoEncodeSettings(width: 1280, height: 720)
        settings.audio = AudioEncodeSettings()
        let writer = try VideoWriter(path: dir.appendingPathComponent("long.mp4").path, settings: settings)
        let base = EncodeTestPictures.gradient(width: 1280, height: 720, index: 0)
        let second = AudioTone.sine(frequency: 440, seconds: 1.0 / 24.0, sampleRate: 48000, channels: 2)
        var rss: [Int: Int] = [:]
        for i in 0..<1200 {
            try writer.append(EncodeTestPictures.moving(base, index: i))
            try writer.appendAudio(second)
            if [119, 599, 1199].contains(i) { rss[i + 1] = status("VmRSS") }
        }
        try writer.finish()
        print("encode-bench memory: VmRSS after 120/600/1200 frames: \(rss[120]!)/\(rss[600]!)/\(rss[1200]!) kB, peak \(status("VmHWM")) kB")
        #expect(rss[1200]! - rss[120]! < 64 * 1024, "resident memory grew by \(rss[1200]! - rss[120]!) kB")
    }
}
