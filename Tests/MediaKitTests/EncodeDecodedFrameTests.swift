import CFFmpeg
import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// VideoWriter.append(decoded:): re-encoding decoded pictures without a trip through RGB.
@Suite struct EncodeDecodedFrameTests {
    /// Decodes every video frame of `path` with MediaKit's core wrappers and hands each to `body`.
    static func decodeFrames(_ path: String, _ body: (Frame) throws -> Void) throws {
        let input = try InputContainer(path: path)
        let index = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        input.discardAll(except: [index])
        let decoder = try CodecDecoder(container: input, stream: index)
        let packet = Packet()
        let frame = Frame()
        func drain() throws {
            while try decoder.receive(into: frame) == .frame {
                try body(frame)
                frame.unref()
            }
        }
        while try input.read(into: packet) {
            guard packet.streamIndex == index else { continue }
            _ = try decoder.send(packet)
            try drain()
        }
        _ = try decoder.send(nil)
        try drain()
    }

    /// Same format and size: the decoded pictures are encoded as they are; the source's keyframes
    /// (every 24 frames) do not leak into the output's fixed 48-frame GOP.
    @Test func sameFormatFramesAreEncodedDirectly() async throws {
        let source = try await TestCorpus.shared.path(.fragmented)
        let dir = TestCorpus.shared.scratchDirectory("encode-decoded")
        let path = dir.appendingPathComponent("reencoded.mp4").path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 320, height: 240, colorSpace: "bt601"))
        try Self.decodeFrames(source) { try writer.append(decoded: $0) }
        try writer.finish()
        #expect(writer.frameCount == 72)

        let frames = try EncodeOracle.videoFrames(path)
        #expect(frames.count == 72)
        #expect(frames.indices.filter { frames[$0].key } == [0, 48])
        let original = try EncodeOracle.decodeRGB(source, width: 320, height: 240, matrix: "bt601")
        let copy = try EncodeOracle.decodeRGB(path, width: 320, height: 240, matrix: "bt601")
        try #require(original.count == 72 && copy.count == 72, "\(original.count) and \(copy.count) frames")
        for i in 0..<72 {
            let psnr = try #require(copy[i].psnr(original[i]))
            #expect(psnr >= 35, "frame \(i): PSNR \(psnr) dB")
        }
    }

    /// Another format, range and size: full-range 4:2:0 at 320x240 becomes limited-range 160x120.
    @Test func otherFormatsAreConverted() async throws {
        let source = try await TestCorpus.shared.path(.fullRange)
        let dir = TestCorpus.shared.scratchDirectory("encode-decoded-convert")
        let path = dir.appendingPathComponent("converted.mp4").path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 160, height: 120, colorSpace: "bt601"))
        try Self.decodeFrames(source) { try writer.append(decoded: $0) }
        try writer.finish()

        let v = EncodeOracle.stream(try EncodeOracle.streams(path), "video")
        #expect(EncodeOracle.text(v, "nb_read_frames") == "24")
        #expect(EncodeOracle.text(v, "color_range") == "tv")
        #expect(EncodeOracle.text(v, "pix_fmt") == "yuv420p")
        // The oracle: the ffmpeg CLI converts the same source to limited-range 4:2:0 at 160x120 itself; the
        // psnr filter compares that with our output, frame by frame, in YUV. (An RGB comparison would be
        // dominated by the halved chroma resolution at the saturated colour bars.)
        let out = try runProcess(
            "ffmpeg",
            [
                "-hide_banner", "-nostdin", "-i", path, "-i", source, "-lavfi",
                "[1]scale=160:120:in_range=pc:out_range=tv:flags=bicubic+accurate_rnd,format=yuv420p[ref];[0][ref]psnr",
                "-f", "null", "-",
            ])
        let line = try #require(out.stderrText.split(separator: "\n").first { $0.contains("PSNR y:") })
        let worst = try #require(line.split(separator: " ").first { $0.hasPrefix("min:") }.flatMap { Double($0.dropFirst(4)) })
        #expect(worst >= 35, "\(line)")
        // Without the range conversion this measures about 28 dB.
    }

    /// A full-range frame in the encoder's own format and size is still converted to limited range.
    @Test func fullRangeFrameOfTheSameFormatIsConverted() throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-decoded-range")
        let path = dir.appendingPathComponent("range.mp4").path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
        let frame = Frame()
        frame.pointer.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointer.pointee.width = 64
        frame.pointer.pointee.height = 48
        frame.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        try #require(av_frame_get_buffer(frame.pointer, 0) >= 0)
        // Full-range grey halves, Y 64 and 192 (read as limited range they would come out as 56 and 205).
        for y in 0..<48 {
            for x in 0..<64 { frame.pointer.pointee.data.0![y * Int(frame.pointer.pointee.linesize.0) + x] = x < 32 ? 64 : 192 }
        }
        for y in 0..<24 {
            for x in 0..<32 {
                frame.pointer.pointee.data.1![y * Int(frame.pointer.pointee.linesize.1) + x] = 128
                frame.pointer.pointee.data.2![y * Int(frame.pointer.pointee.linesize.2) + x] = 128
            }
        }
        for _ in 0..<4 { try writer.append(decoded: frame) }
        try writer.finish()
        let rgb = try EncodeOracle.decodeRGB(path, width: 64, height: 48, matrix: "bt709")
        try #require(rgb.count == 4)
        let dark = Int(rgb[0].pixels[(24 * 64 + 8) * 3])
        let light = Int(rgb[0].pixels[(24 * 64 + 56) * 3])
        #expect(abs(dark - 64) <= 3 && abs(light - 192) <= 3, "dark \(dark), light \(light)")
    }

    /// A whole Kling-shaped clip re-encoded from its decoded pictures and decoded AAC: the same frames, and
    /// exactly the audio samples the decoder gave.
    @Test func decodedClipWithAudioIsReencoded() async throws {
        let source = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory("encode-decoded-av")
        let path = dir.appendingPathComponent("reencoded.mp4").path
        var settings = VideoEncodeSettings(width: 1280, height: 720, colorSpace: "bt601")
        settings.audio = AudioEncodeSettings()
        let writer = try VideoWriter(path: path, settings: settings)

        let input = try InputContainer(path: source)
        let v = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        let a = try #require(input.bestStream(AVMEDIA_TYPE_AUDIO))
        let decoders = [v: try CodecDecoder(container: input, stream: v), a: try CodecDecoder(container: input, stream: a)]
        let packet = Packet()
        let frame = Frame()
        func drain(_ index: Int) throws {
            while try decoders[index]!.receive(into: frame) == .frame {
                if index == v { try writer.append(decoded: frame) } else { try writer.appendAudio(decoded: frame) }
                frame.unref()
            }
        }
        while try input.read(into: packet) {
            guard decoders[packet.streamIndex] != nil else { continue }
            _ = try decoders[packet.streamIndex]!.send(packet)
            try drain(packet.streamIndex)
        }
        for index in [v, a] {
            _ = try decoders[index]!.send(nil)
            try drain(index)
        }
        // A decoded frame of the wrong kind is refused without breaking the writer.
        let stray = Frame()
        #expect(throws: MediaError.self) { try writer.appendAudio(decoded: stray) }
        try writer.finish()

        #expect(writer.frameCount == 121)
        #expect(writer.audioSampleCount >= 242_000 && writer.audioSampleCount < 242_000 + 1024)
        let streams = try EncodeOracle.streams(path)
        let video = EncodeOracle.stream(streams, "video")
        let audio = EncodeOracle.stream(streams, "audio")
        #expect(EncodeOracle.text(video, "nb_read_frames") == "121")
        #expect(EncodeOracle.text(video, "duration") == "5.041667")
        #expect(EncodeOracle.text(audio, "duration_ts") == String(writer.audioSampleCount))
        let decoded = try EncodeOracle.decodeAudio(path)
        let left = EncodeOracle.channel(decoded, 0, of: 2)[4096..<200_000]
        let at440 = EncodeOracle.goertzel(left, frequency: 440, sampleRate: 48000)
        #expect(at440 > 100 * EncodeOracle.goertzel(left, frequency: 880, sampleRate: 48000))
    }
}
