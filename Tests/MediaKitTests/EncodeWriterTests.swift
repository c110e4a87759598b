import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// VideoWriter checked against ffprobe/ffmpeg as the oracle.
@Suite struct EncodeWriterTests {
    /// A Kling-shaped "5 s" clip: 121 frames of 1280x720 at 24 fps with stereo AAC.
    @Test func klingShapedClipHasExactFramesDurationTagsAndFastStart() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-kling")
        let path = dir.appendingPathComponent("kling.mp4").path
        var settings = VideoEncodeSettings(width: 1280, height: 720)
        settings.audio = AudioEncodeSettings()
        let writer = try VideoWriter(path: path, settings: settings)
        let base = EncodeTestPictures.gradient(width: 1280, height: 720, index: 0)
        let tone = AudioTone.sine(frequency: 440, seconds: 121.0 / 24.0, sampleRate: 48000, channels: 2)
        let perFrame = 2000 * 2
        for i in 0..<121 {
            try writer.append(EncodeTestPictures.moving(base, index: i))
            let start = min(tone.count, i * perFrame)
            let end = i == 120 ? tone.count : min(tone.count, start + perFrame)
            try writer.appendAudio(Array(tone[start..<end]))
        }
        #expect(try writer.finish() == path)
        #expect(writer.frameCount == 121)
        #expect(writer.audioSampleCount == 242_000)
        #expect(EncodeOracle.contents(dir) == ["kling.mp4"])

        let streams = try EncodeOracle.streams(path)
        #expect(streams.count == 2)
        let v = try #require(EncodeOracle.stream(streams, "video"))
        #expect(EncodeOracle.text(v, "codec_name") == "h264")
        #expect(EncodeOracle.text(v, "profile") == "High")
        #expect(EncodeOracle.text(v, "width") == "1280")
        #expect(EncodeOracle.text(v, "height") == "720")
        #expect(EncodeOracle.text(v, "pix_fmt") == "yuv420p")
        #expect(EncodeOracle.text(v, "nb_read_frames") == "121")
        #expect(EncodeOracle.text(v, "nb_frames") == "121")
        #expect(EncodeOracle.text(v, "duration") == "5.041667")
        #expect(EncodeOracle.text(v, "r_frame_rate") == "24/1")
        #expect(EncodeOracle.text(v, "avg_frame_rate") == "24/1")
        #expect(EncodeOracle.text(v, "color_range") == "tv")
        #expect(EncodeOracle.text(v, "color_space") == "bt709")
        #expect(EncodeOracle.text(v, "color_transfer") == "bt709")
        #expect(EncodeOracle.text(v, "color_primaries") == "bt709")
        #expect((EncodeOracle.double(v, "has_b_frames") ?? 0) >= 1)

        let a = try #require(EncodeOracle.stream(streams, "audio"))
        #expect(EncodeOracle.text(a, "codec_name") == "aac")
        #expect(EncodeOracle.text(a, "sample_rate") == "48000")
        #expect(EncodeOracle.text(a, "channels") == "2")
        let audioDuration = try #require(EncodeOracle.double(a, "duration"))
        let videoDuration = try #require(EncodeOracle.double(v, "duration"))
        #expect(abs(audioDuration - videoDuration) <= 0.0214, "audio \(audioDuration) s vs video \(videoDuration) s")
        // Exactly the samples appended: the priming is hidden by the edit list, the end padding by the last
        // packet's duration.
        #expect(EncodeOracle.text(a, "duration_ts") == "242000")
        #expect(EncodeOracle.text(v, "start_time") == "0.000000")
        #expect(EncodeOracle.text(a, "start_time") == "0.000000")

        let boxes = try EncodeOracle.topLevelBoxes(path)
        #expect(boxes.first == "ftyp")
        let moov = try #require(boxes.firstIndex(of: "moov"))
        let mdat = try #require(boxes.firstIndex(of: "mdat"))
        #expect(moov < mdat, "box order \(boxes)")
        // Global headers: H.264 parameter sets in avcC, the AAC config in esds; edit lists for the B-frame
        // delay and the AAC priming.
        let header = try EncodeOracle.boxPayload(path, "moov")
        for tag in ["avc1", "avcC", "mp4a", "esds", "elst", "colr"] {
            #expect(header.range(of: Data(tag.utf8)) != nil, "no \(tag) box in moov")
        }

        // Frame i is shown at i/24 (time base 1/12288: 512 ticks a frame); keyframes exactly every 48 frames.
        let frames = try EncodeOracle.videoFrames(path)
        #expect(frames.count == 121)
        #expect(frames.map(\.pts) == (0..<121).map { $0 * 512 })
        #expect(frames.indices.filter { frames[$0].key } == [0, 48, 96])
        #expect(frames.contains { $0.type == "B" })
    }

    /// Decoded pictures match what was appended (PSNR >= 35 dB) and consecutive frames differ, for both
    /// colour matrices and for RGBA input.
    @Test(arguments: [("bt709", false), ("bt601", false), ("bt709", true)])
    func decodedFramesMatchAppendedPictures(colorSpace: String, alpha: Bool) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-content")
        let path = dir.appendingPathComponent("content.mp4").path
        let (w, h) = (320, 240)
        var settings = VideoEncodeSettings(width: w, height: h)
        settings.colorSpace = colorSpace
        let colours: [(UInt8, UInt8, UInt8)] = [
            (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (16, 16, 16), (128, 128, 128), (255, 200, 0), (0, 180, 200),
        ]
        var input = colours.map { EncodeTestPictures.solid(width: w, height: h, $0, alpha: alpha) }
        input += (0..<8).map { EncodeTestPictures.gradient(width: w, height: h, index: $0, alpha: alpha) }
        let writer = try VideoWriter(path: path, settings: settings)
        for picture in input { try writer.append(picture) }
        try writer.finish()

        let v = EncodeOracle.stream(try EncodeOracle.streams(path, countFrames: false), "video")
        let expectedTag = colorSpace == "bt709" ? "bt709" : "smpte170m"
        #expect(EncodeOracle.text(v, "color_space") == expectedTag)
        #expect(EncodeOracle.text(v, "color_primaries") == expectedTag)
        #expect(EncodeOracle.text(v, "color_transfer") == expectedTag)

        let matrix = colorSpace == "bt709" ? "bt709" : "bt601"
        let decoded = try EncodeOracle.decodeRGB(path, width: w, height: h, matrix: matrix)
        try #require(decoded.count == input.count)
        for i in 0..<input.count {
            let psnr = try #require(decoded[i].psnr(input[i].droppingAlpha()))
            #expect(psnr >= 35, "frame \(i): PSNR \(psnr) dB")
            if i + 1 < input.count {
                let neighbour = try #require(decoded[i].psnr(decoded[i + 1]))
                #expect(neighbour < 30, "frame \(i) looks like frame \(i + 1) (PSNR \(neighbour) dB)")
            }
        }
        // The matrix matters: reading the saturated red frame with the other matrix is clearly off.
        let other = try EncodeOracle.decodeRGB(path, width: w, height: h, matrix: matrix == "bt709" ? "bt601" : "bt709")
        #expect(try #require(other[0].psnr(input[0].droppingAlpha())) < 30)
    }

    /// A 440 Hz tone comes back as 440 Hz, in phase (the priming is hidden), with the right sample count.
    @Test(arguments: [(48000, 2), (44100, 1)])
    func audioToneDecodesToTheSameToneAndLength(sampleRate: Int, channels: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-audio")
        let path = dir.appendingPathComponent("tone.mp4").path
        var settings = VideoEncodeSettings(width: 64, height: 48)
        settings.audio = AudioEncodeSettings(sampleRate: sampleRate, channels: channels, bitRate: 128_000)
        let writer = try VideoWriter(path: path, settings: settings)
        let seconds = 2.0
        let tone = AudioTone.sine(frequency: 440, seconds: seconds, sampleRate: sampleRate, channels: channels)
        let count = tone.count / channels
        #expect(count == Int(seconds * Double(sampleRate)))
        // Odd chunk sizes exercise the FIFO; the total is not a multiple of 1024.
        var offset = 0
        for chunk in [1, 333, 1023, 1024, 1025, 4097, 17].cycled(until: count) {
            let n = min(chunk, count - offset)
            try writer.appendAudio(Array(tone[(offset * channels)..<((offset + n) * channels)]))
            offset += n
        }
        let frame = EncodeTestPictures.solid(width: 64, height: 48, (30, 60, 90))
        for _ in 0..<48 { try writer.append(frame) }
        try writer.finish()

        let a = EncodeOracle.stream(try EncodeOracle.streams(path, countFrames: false), "audio")
        let duration = try #require(EncodeOracle.double(a, "duration"))
        #expect(abs(duration - seconds) <= 1024.0 / Double(sampleRate), "audio duration \(duration) s")
        #expect(EncodeOracle.text(a, "duration_ts") == String(count))
        #expect(EncodeOracle.text(a, "channels") == String(channels))
        #expect(EncodeOracle.text(a, "sample_rate") == String(sampleRate))

        let decoded = try EncodeOracle.decodeAudio(path)
        let decodedCount = decoded.count / channels
        #expect(decoded.count % channels == 0)
        // The priming is hidden by the edit list; FFmpeg 5.1 keeps the end padding of the last AAC frame.
        #expect(decodedCount >= count && decodedCount < count + 1024, "decoded \(decodedCount) samples for \(count)")
        for c in 0..<channels {
            let samples = EncodeOracle.channel(decoded, c, of: channels)[2048..<(count - 2048)]
            let at440 = EncodeOracle.goertzel(samples, frequency: 440, sampleRate: sampleRate)
            for other in [220.0, 880.0, 1000.0, 330.0] {
                let p = EncodeOracle.goertzel(samples, frequency: other, sampleRate: sampleRate)
                #expect(at440 > 100 * p, "440 Hz power \(at440) vs \(other) Hz \(p)")
            }
            // Zero crossings: 2 per period.
            let crossings = zip(samples.dropLast(), samples.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
            let expected = 2 * 440 * Double(samples.count) / Double(sampleRate)
            #expect(abs(Double(crossings) - expected) <= 4, "\(crossings) zero crossings, expected \(expected)")
            // Phase: the decoded tone lines up with sin(2 pi f n / rate) (no 1024-sample priming shift).
            var sinSum = 0.0
            var cosSum = 0.0
            for n in samples.indices {
                let phase = 2 * Double.pi * 440 * Double(n) / Double(sampleRate)
                sinSum += Double(samples[n]) * sin(phase)
                cosSum += Double(samples[n]) * cos(phase)
            }
            let lag = atan2(-cosSum, sinSum) / (2 * Double.pi * 440) * Double(sampleRate)
            #expect(abs(lag) < 2, "decoded tone is shifted by \(lag) samples")
            let amplitude = 2 * (sinSum * sinSum + cosSum * cosSum).squareRoot() / Double(samples.count)
            #expect(abs(amplitude - 0.5) < 0.05, "amplitude \(amplitude)")
        }
    }

    /// Frame counts and durations are exact at common rates.
    @Test(arguments: [Rational(24, 1), Rational(25, 1), Rational(30000, 1001), Rational(60, 1), Rational(72, 3)])
    func frameCountAndDurationAreExact(rate: Rational) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-rate")
        let path = dir.appendingPathComponent("rate.mp4").path
        let settings = VideoEncodeSettings(width: 96, height: 64, frameRate: rate)
        let writer = try VideoWriter(path: path, settings: settings)
        let base = EncodeTestPictures.gradient(width: 96, height: 64, index: 0)
        for i in 0..<37 { try writer.append(EncodeTestPictures.moving(base, index: i)) }
        try writer.finish()
        let v = EncodeOracle.stream(try EncodeOracle.streams(path), "video")
        #expect(EncodeOracle.text(v, "nb_read_frames") == "37")
        let reduced = rate == Rational(72, 3) ? Rational(24, 1) : rate
        #expect(EncodeOracle.text(v, "r_frame_rate") == reduced.description)
        let duration = try #require(EncodeOracle.double(v, "duration"))
        #expect(abs(duration - 37 / rate.doubleValue) < 0.000_001, "duration \(duration)")
    }

    /// A .mov path gets a QuickTime file; any other extension gets MP4.
    @Test(arguments: [("clip.mov", "qt  "), ("clip.mp4", "isom"), ("clip.video", "isom")])
    func containerFollowsTheExtension(name: String, brand: String) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-container")
        let path = dir.appendingPathComponent(name).path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
        for i in 0..<3 { try writer.append(EncodeTestPictures.gradient(width: 64, height: 48, index: i)) }
        try writer.finish()
        let out = try runProcess("ffprobe", ["-v", "error", "-show_entries", "format_tags=major_brand", "-of", "csv=p=0", path])
        #expect(out.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == brand.trimmingCharacters(in: .whitespaces))
        #expect(try EncodeOracle.topLevelBoxes(path).prefix(2) == ["ftyp", "moov"])
    }

    /// Without audio settings the file has one video stream, and appending audio is refused.
    @Test func noAudioSettingsMeansNoAudioStream() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-noaudio")
        let path = dir.appendingPathComponent("silent.mp4").path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
        #expect(throws: MediaError.self) { try writer.appendAudio([0, 0]) }
        for i in 0..<10 { try writer.append(EncodeTestPictures.gradient(width: 64, height: 48, index: i)) }
        try writer.finish()
        let streams = try EncodeOracle.streams(path)
        #expect(streams.count == 1)
        #expect(EncodeOracle.text(streams.first, "codec_type") == "video")
        #expect(EncodeOracle.text(streams.first, "nb_read_frames") == "10")
    }

    /// 4:4:4 takes odd sizes (with a profile that allows it); "high" with 4:4:4 is refused with the reason.
    @Test func oddSizeWorksInYUV444() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-444")
        let path = dir.appendingPathComponent("odd444.mp4").path
        var settings = VideoEncodeSettings(width: 321, height: 241, profile: "high444", pixelFormat: "yuv444p")
        let writer = try VideoWriter(path: path, settings: settings)
        let input = (0..<6).map { EncodeTestPictures.gradient(width: 321, height: 241, index: $0) }
        for picture in input { try writer.append(picture) }
        try writer.finish()
        let v = EncodeOracle.stream(try EncodeOracle.streams(path), "video")
        #expect(EncodeOracle.text(v, "pix_fmt") == "yuv444p")
        #expect(EncodeOracle.text(v, "width") == "321" && EncodeOracle.text(v, "height") == "241")
        #expect(EncodeOracle.text(v, "nb_read_frames") == "6")
        let decoded = try EncodeOracle.decodeRGB(path, width: 321, height: 241, matrix: "bt709")
        try #require(decoded.count == 6)
        for i in 0..<6 { #expect(try #require(decoded[i].psnr(input[i])) >= 35) }

        settings.profile = "high"
        let error = #expect(throws: MediaError.self) { _ = try VideoWriter(path: path + ".2.mp4", settings: settings) }
        #expect(error?.description.contains("profile high, yuv444p") == true, "\(String(describing: error))")
    }

    /// Sizes that 4:2:0 cannot hold are refused before any file is created.
    @Test(arguments: [(1281, 720), (1280, 721), (321, 241), (0, 720), (-2, 2)])
    func oddOrInvalidSizesAreRefused(width: Int, height: Int) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-odd")
        let path = dir.appendingPathComponent("odd.mp4").path
        let error = #expect(throws: MediaError.self) {
            _ = try VideoWriter(path: path, settings: VideoEncodeSettings(width: width, height: height))
        }
        #expect(error?.description.contains("\(width)x\(height)") == true, "\(String(describing: error))")
        #expect(error?.description.contains(path) == true)
        #expect(EncodeOracle.contents(dir).isEmpty)
    }

    /// Bad settings and bad calls get a MediaError naming the problem; the writer stays usable after a
    /// wrong-size picture.
    @Test func badSettingsAndCallsAreRefused() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-bad")
        let path = dir.appendingPathComponent("bad.mp4").path
        var settings = VideoEncodeSettings(width: 64, height: 48)
        settings.codec = "no-such-encoder"
        #expect(throws: MediaError.self) { _ = try VideoWriter(path: path, settings: settings) }
        settings = VideoEncodeSettings(width: 64, height: 48, colorSpace: "bt2020")
        #expect(throws: MediaError.self) { _ = try VideoWriter(path: path, settings: settings) }
        settings = VideoEncodeSettings(width: 64, height: 48, preset: "warp-speed")
        #expect(throws: MediaError.self) { _ = try VideoWriter(path: path, settings: settings) }
        settings = VideoEncodeSettings(width: 64, height: 48, pixelFormat: "no-such-format")
        #expect(throws: MediaError.self) { _ = try VideoWriter(path: path, settings: settings) }
        let missingFolder = dir.appendingPathComponent("missing/out.mp4").path
        #expect(throws: MediaError.self) { _ = try VideoWriter(path: missingFolder, settings: VideoEncodeSettings(width: 64, height: 48)) }
        #expect(EncodeOracle.contents(dir).isEmpty)

        var withAudio = VideoEncodeSettings(width: 64, height: 48)
        withAudio.audio = AudioEncodeSettings(channels: 2)
        let writer = try VideoWriter(path: path, settings: withAudio)
        #expect(throws: MediaError.self) { try writer.append(PixelImage(width: 66, height: 48, red: 0, green: 0, blue: 0)) }
        #expect(throws: MediaError.self) { try writer.appendAudio([0.1, 0.2, 0.3]) }
        try writer.append(PixelImage(width: 64, height: 48, red: 9, green: 9, blue: 9))
        try writer.appendAudio([0.1, 0.2, .nan, .infinity, 2, -3])
        try writer.finish()
        #expect(writer.audioSampleCount == 3)
        #expect(throws: MediaError.self) { try writer.append(PixelImage(width: 64, height: 48, red: 9, green: 9, blue: 9)) }
        #expect(throws: MediaError.self) { try writer.finish() }
        #expect(EncodeOracle.contents(dir) == ["bad.mp4"])
    }

    /// A writer dropped without finish() leaves nothing behind, and an existing file at the path is untouched
    /// until finish() replaces it whole.
    @Test func droppedWriterLeavesNothingAndKeepsTheOldFile() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-drop")
        let path = dir.appendingPathComponent("clip.mp4").path
        do {
            var settings = VideoEncodeSettings(width: 64, height: 48)
            settings.audio = AudioEncodeSettings()
            let writer = try VideoWriter(path: path, settings: settings)
            for i in 0..<30 { try writer.append(EncodeTestPictures.gradient(width: 64, height: 48, index: i)) }
            try writer.appendAudio(AudioTone.sine(frequency: 440, seconds: 1, sampleRate: 48000, channels: 2))
            #expect(EncodeOracle.contents(dir).count == 1)  // the hidden temporary file
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(EncodeOracle.contents(dir).isEmpty)

        let old = Data("previous contents".utf8)
        try old.write(to: URL(fileURLWithPath: path))
        do {
            let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
            try writer.append(EncodeTestPictures.gradient(width: 64, height: 48, index: 0))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == old)
        #expect(EncodeOracle.contents(dir) == ["clip.mp4"])

        // finish() with no pictures, or without the audio the settings ask for, fails and leaves the old file alone.
        do {
            let empty = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
            #expect(throws: MediaError.self) { try empty.finish() }
            var settings = VideoEncodeSettings(width: 64, height: 48)
            settings.audio = AudioEncodeSettings()
            let silent = try VideoWriter(path: path, settings: settings)
            try silent.append(EncodeTestPictures.gradient(width: 64, height: 48, index: 0))
            #expect(throws: MediaError.self) { try silent.finish() }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == old)

        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
        for i in 0..<5 { try writer.append(EncodeTestPictures.gradient(width: 64, height: 48, index: i)) }
        try writer.finish()
        #expect(EncodeOracle.text(try EncodeOracle.streams(path).first, "nb_read_frames") == "5")
        #expect(EncodeOracle.contents(dir) == ["clip.mp4"])
    }
}

extension Array where Element == Int {
    /// The elements repeated until their running sum reaches `total`.
    fileprivate func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var sum = 0
        var i = 0
        while sum < total {
            out.append(self[i % count])
            sum += self[i % count]
            i += 1
        }
        return out
    }
}
