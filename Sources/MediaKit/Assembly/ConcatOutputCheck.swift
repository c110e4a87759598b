import Foundation

/// The re-probe of a concat's written file before it takes its name: frame count, video duration and the
/// audio track's duration against the video's.
enum ConcatOutputCheck {
    /// What the check found.
    struct Checked {
        var info: MediaInfo
        var frames: Int
        var videoDuration: Double
        var audioDuration: Double?
    }

    /// Probes `staging` and checks it holds `frames` frames lasting `duration` seconds (within half a frame),
    /// with audio of the same length (within one AAC frame) when `expectsAudio`.
    /// - Throws: `MediaError.encodeFailed` naming `output` when a check fails.
    static func check(_ staging: String, output: String, frames expected: Int, duration expectedDuration: Double, expectsAudio: Bool)
        throws -> Checked
    {
        let info = try MediaProbe.probe(staging)
        guard let video = info.video, let vinfo = video.video else {
            throw MediaError.encodeFailed(path: output, detail: "the written file has no video stream")
        }
        let frames = vinfo.frameCount ?? -1
        guard frames == expected else {
            throw MediaError.encodeFailed(path: output, detail: "the written file has \(frames) frames, expected \(expected)")
        }
        let videoDuration = video.duration ?? 0
        let tick = max(0.002, 1 / max(1, vinfo.frameRate?.doubleValue ?? 24) / 2)
        guard abs(videoDuration - expectedDuration) <= tick else {
            throw MediaError.encodeFailed(
                path: output, detail: String(format: "the written video lasts %.4f s, expected %.4f s", videoDuration, expectedDuration))
        }
        var audioDuration: Double?
        if let audio = info.audio {
            let d = audio.duration ?? 0
            let frame = 1024 / Double(audio.audio?.sampleRate ?? 48000)
            guard abs(d - videoDuration) <= frame + 0.001 else {
                throw MediaError.encodeFailed(
                    path: output, detail: String(format: "the written audio lasts %.4f s, the video %.4f s", d, videoDuration))
            }
            audioDuration = d
        } else if expectsAudio {
            throw MediaError.encodeFailed(path: output, detail: "the written file lost its audio stream")
        }
        return Checked(info: info, frames: frames, videoDuration: videoDuration, audioDuration: audioDuration)
    }

    /// Checks that the segments' reported frames add up: each segment's frames minus its drops, minus the
    /// blended frames per seam, is what the file must hold (for the copy plans, where no frame is resampled).
    /// - Throws: `MediaError.encodeFailed` naming `output` when they do not.
    static func checkCounts(_ segments: [ConcatReport.Segment], blend: Int, total: Int, output: String) throws {
        let kept = segments.reduce(0) { $0 + $1.framesIn - $1.droppedHead - $1.droppedTail }
        let expected = kept - blend * max(0, segments.count - 1)
        let reported = segments.reduce(0) { $0 + $1.framesOut }
        guard expected == total, reported == total else {
            throw MediaError.encodeFailed(
                path: output, detail: "\(total) frames written, \(reported) reported by segment, \(expected) expected from the drops")
        }
    }
}
