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
}
