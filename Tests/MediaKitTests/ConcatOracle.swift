import Foundation
import MediaTestSupport

/// Segments for the concat tests, made with the ffmpeg CLI, and ffmpeg/ffprobe readings of the results.
enum ConcatOracle {
    /// How a test segment is encoded.
    struct Spec {
        var width = 320
        var height = 180
        var rate = 24
        var seconds = 2
        var profile = "high"
        var bframes = 2
        var gop = 24
        /// Audio: a 0.25 s 1 kHz burst at the start, then silence; nil for no audio stream.
        var audio: Bool = true
    }

    /// Writes a segment to `dir/name` and returns its path.
    static func segment(_ name: String, in dir: URL, _ spec: Spec = Spec()) throws -> String {
        let out = dir.appendingPathComponent(name).path
        var args = [
            "-f", "lavfi", "-i", "testsrc2=s=\(spec.width)x\(spec.height):r=\(spec.rate):d=\(spec.seconds)",
        ]
        if spec.audio {
            args += ["-f", "lavfi", "-i", "aevalsrc='if(lt(t,0.25),0.5*sin(2*PI*1000*t),0)':s=48000:d=\(spec.seconds)"]
        }
        args += [
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", spec.profile, "-pix_fmt", "yuv420p",
            "-x264-params", "keyint=\(spec.gop):min-keyint=\(spec.gop):scenecut=0:bframes=\(spec.bframes)",
        ]
        if spec.audio { args += ["-c:a", "aac", "-b:a", "96k", "-ac", "2"] }
        try ffmpeg(args + [out])
        return out
    }

    /// The MD5 of every decoded video frame, in output order (ffmpeg's framemd5 muxer).
    static func frameMD5s(_ path: String) throws -> [String] {
        let out = try runProcess("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"])
        return out.stdoutText.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.map {
            String($0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces))
        }
    }

    /// ffmpeg's complaints while decoding the whole file (empty when it decodes cleanly).
    static func decodeErrors(_ path: String) throws -> String {
        try runProcess("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"], check: false).stderrText
    }

    /// Stream durations (seconds) and decoded frame counts by ffprobe: (video duration, video frames, audio duration).
    static func durations(_ path: String) throws -> (video: Double, frames: Int, audio: Double?) {
        func field(_ stream: String, _ entries: String, count: Bool = false) throws -> String? {
            let out = try runProcess(
                "ffprobe",
                ["-v", "error"] + (count ? ["-count_frames"] : []) + [
                    "-select_streams", stream, "-show_entries", "stream=\(entries)", "-of", "default=nw=1:nk=1", path,
                ])
            return out.stdoutText.split(whereSeparator: \.isNewline).first.map(String.init)
        }
        let video = Double(try field("v:0", "duration") ?? "") ?? -1
        let frames = Int(try field("v:0", "nb_read_frames", count: true) ?? "") ?? -1
        let audio = try field("a:0", "duration").flatMap(Double.init)
        return (video, frames, audio)
    }

    /// The decoded audio, mono 48 kHz float, as ffmpeg renders it (priming removed by the edit list).
    static func audioSamples(_ path: String) throws -> [Float] {
        let out = try runProcess("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"])
        return out.stdout.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Times (seconds) where sound starts after at least 0.5 s of silence (or at the start).
    static func onsets(_ samples: [Float], rate: Double = 48000, threshold: Float = 0.1) -> [Double] {
        var result: [Double] = []
        var quietSince = 0
        for (i, s) in samples.enumerated() {
            if abs(s) >= threshold {
                if i - quietSince >= Int(0.5 * rate) || (result.isEmpty && i - quietSince == i) { result.append(Double(i) / rate) }
                quietSince = i + 1
            }
        }
        return result
    }

    /// PSNR (average, dB) between frames [a, a+count) of `x` and [b, b+count) of `y`, by ffmpeg's psnr filter.
    static func psnr(_ x: String, from a: Int, _ y: String, from b: Int, count: Int) throws -> Double {
        let graph =
            "[0:v]trim=start_frame=\(a):end_frame=\(a + count),setpts=PTS-STARTPTS[a];"
            + "[1:v]trim=start_frame=\(b):end_frame=\(b + count),setpts=PTS-STARTPTS[b];[a][b]psnr"
        let out = try runProcess("ffmpeg", ["-v", "info", "-i", x, "-i", y, "-filter_complex", graph, "-f", "null", "-"])
        guard let range = out.stderrText.range(of: "average:") else { return 0 }
        let rest = out.stderrText[range.upperBound...].prefix { !$0.isWhitespace }
        return rest == "inf" ? 100 : Double(rest) ?? 0
    }
}
