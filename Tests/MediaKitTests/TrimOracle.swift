import Foundation
import MediaTestSupport

/// ffmpeg/ffprobe oracles and shared media for the trim tests.
actor TrimMedia {
    static let shared = TrimMedia()
    private var long: Task<String, any Error>?

    /// A 60 s 640x360 24 fps H.264 clip (B-frames, 2 s closed GOPs of IDR pictures) with AAC audio.
    func longClip() async throws -> String {
        if let long { return try await long.value }
        let task = Task<String, any Error>.detached {
            let dir = TestCorpus.shared.scratchDirectory("trim-long")
            let out = dir.appendingPathComponent("long60.mp4").path
            try ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=s=640x360:r=24:d=60", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60",
                "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high",
                "-x264-params", "bframes=3:b-adapt=0:keyint=48:min-keyint=48:scenecut=0",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-b:a", "96k", out,
            ])
            return out
        }
        long = task
        return try await task.value
    }
}

enum TrimOracle {
    /// The md5 of every decoded video frame, in presentation order (ffmpeg `-f framemd5`).
    static func frameHashes(_ path: String, filter: String? = nil, seek: String? = nil) throws -> [String] {
        var args = ["-v", "error"] + (seek.map { ["-ss", $0] } ?? []) + ["-i", path, "-map", "0:v:0"]
        if let filter { args += ["-vf", filter] }
        args += ["-f", "framemd5", "-"]
        return try column(runProcess("ffmpeg", args).stdoutText, 5)
    }

    /// The md5 of every video packet's bytes, in decode order (`-c copy -f framemd5`), with its key flag.
    static func packetHashes(_ path: String) throws -> [String] {
        try column(runProcess("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"]).stdoutText, 5)
    }

    private static func column(_ text: String, _ index: Int) -> [String] {
        text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return fields.count > index ? fields[index] : nil
        }
    }

    /// ffprobe `stream=` entries of the first stream of a kind ("v" or "a").
    static func stream(_ path: String, _ kind: String, _ entries: String, countFrames: Bool = false) throws -> [String: String] {
        var args = ["-v", "error", "-select_streams", "\(kind):0", "-show_entries", "stream=\(entries)", "-of", "default=nw=1"]
        if countFrames { args.insert("-count_frames", at: 0) }
        var info: [String: String] = [:]
        for line in try runProcess("ffprobe", args + [path]).stdoutText.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { info[String(parts[0])] = String(parts[1]) }
        }
        return info
    }

    /// Presentation times (seconds) of the key packets of the video stream.
    static func keyframeTimes(_ path: String) throws -> [Double] {
        let out = try runProcess(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path])
        return out.stdoutText.split(whereSeparator: \.isNewline).compactMap { line in
            let f = line.split(separator: ",")
            return f.count >= 2 && f[1].hasPrefix("K") ? Double(f[0]) : nil
        }
    }

    /// Whether ffmpeg decodes the file without printing an error.
    static func decodesCleanly(_ path: String) throws -> Bool {
        let out = try runProcess("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"], check: false)
        return out.status == 0 && out.stderrText.isEmpty
    }
}
