import CFFmpeg
import Foundation
import Testing

@testable import MediaKit

/// The one audio path of trim, concat and `VideoWriter`: decoded frames placed on a window of the sample time
/// line (cut or padded), converted to planar float, and encoded as AAC ending exactly after the last sample.
@Suite struct AudioPathTests {
    /// Frames are placed at their own timestamps: holes become silence, overlaps and samples outside are cut.
    @Test func windowCutsAndPads() {
        var window = AudioWindow(start: 1000, end: 5000)
        // Starts before the window: the first 500 samples are cut.
        var p = window.place(first: 500, count: 1024)
        #expect(p.silence == 0 && p.keep == 500..<1024)
        // A hole of 476 samples before the next frame.
        p = window.place(first: 2000, count: 1024)
        #expect(p.silence == 476 && p.keep == 0..<1024)
        // Overlaps the previous frame by 24 samples.
        p = window.place(first: 3000, count: 1024)
        #expect(p.silence == 0 && p.keep == 24..<1024)
        // Runs past the end.
        p = window.place(first: 4024, count: 1024)
        #expect(p.keep == 0..<976)
        #expect(window.isPast(5000) && !window.isPast(4999))
        #expect(window.remaining == 0)
        var short = AudioWindow(start: 0, end: 3000)
        _ = short.place(first: 0, count: 1024)
        #expect(short.remaining == 1976)
    }

    /// An interleaved 16-bit stereo frame as planes; mono is spread, stereo averaged into mono.
    @Test func samplesConvertFormatsAndChannels() throws {
        let frame = Frame()
        let f = frame.pointer
        f.pointee.format = AV_SAMPLE_FMT_S16.rawValue
        f.pointee.nb_samples = 4
        f.pointee.sample_rate = 48000
        av_channel_layout_default(&f.pointee.ch_layout, 2)
        #expect(av_frame_get_buffer(f, 0) >= 0)
        let values: [Int16] = [16384, -16384, 8192, 0, 0, 8192, -32768, 32767]
        let data = try #require(f.pointee.data.0)
        values.withUnsafeBytes { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let stereo = try AudioSamples.planes(of: frame, range: 1..<4, channels: 2, path: "a.mp4")
        #expect(stereo[0] == [0.25, 0, -1])
        #expect(stereo[1] == [0, 0.25, Float(32767) / 32768])
        let mono = try AudioSamples.planes(of: frame, range: 0..<2, channels: 1, path: "a.mp4")
        #expect(mono == [[0, 0.125]])
        // Out-of-range requests are clamped, not trapped.
        #expect(try AudioSamples.planes(of: frame, range: 3..<99, channels: 2, path: "a.mp4")[0].count == 1)
        f.pointee.format = AV_SAMPLE_FMT_S64.rawValue
        #expect(throws: MediaError.self) { try AudioSamples.planes(of: frame, range: 0..<4, channels: 2, path: "a.mp4") }
    }

    /// Whatever the block sizes, the AAC track ends exactly after the last sample given.
    @Test(arguments: [1000, 48000 + 336, 5 * 1024])
    func aacEndsAfterTheLastSample(_ total: Int) throws {
        let aac = try AACEncoder(sampleRate: 48000, channels: 2, bitRate: 128_000, globalHeader: true, path: "a.mp4")
        var packets: [(pts: Int64, duration: Int64)] = []
        let keep = { (p: Packet) in packets.append((p.pts, p.duration)) }
        var given = 0
        var block = 700
        while given < total {
            let n = min(block, total - given)
            if block % 2 == 0 {
                try aac.append(Array(repeating: [Float](repeating: 0.1, count: n), count: 2), into: keep)
            } else {
                try aac.appendSilence(n, into: keep)
            }
            given += n
            block += 333
        }
        try aac.finish(into: keep)
        #expect(aac.sampleCount == Int64(total))
        let last = try #require(packets.last)
        #expect(last.pts + last.duration == Int64(total))
        #expect(zip(packets, packets.dropFirst()).allSatisfy { $0.pts < $1.pts })
    }
}
