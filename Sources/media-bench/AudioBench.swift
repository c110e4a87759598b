// `media-bench audio`: concat with audio (AAC packets copied, only the frames at the seams re-encoded) side by
// side with `ffmpeg -f concat -c copy` and with the whole-audio re-encode forced, the A/V offset both leave
// after 60 segments, and the trim's smart cut with its audio copied against the audio re-encoded whole.
import Foundation
import MediaKit

/// `media-bench audio [--repetitions N] [--work-dir DIR] [--shotchain PATH]`.
func audioCommand(_ arguments: [String]) throws {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var settings = ["--repetitions": "5", "--work-dir": "bench-out/audio", "--shotchain": here.appendingPathComponent("shotchain").path]
    var given = arguments.makeIterator()
    while let name = given.next() {
        guard settings[name] != nil, let value = given.next() else { throw BenchError("audio: unknown or incomplete argument \(name)") }
        settings[name] = value
    }
    let repetitions = Int(settings["--repetitions"] ?? "") ?? 5
    let workDir = settings["--work-dir"] ?? "bench-out/audio"
    let shotchain = settings["--shotchain"] ?? "shotchain"
    try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
    let me = CommandLine.arguments[0]
    let quiet = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    // 10 x 5 s 1920x1080 24 fps H.264 High (B-frames, 2 s GOPs) with 48 kHz stereo AAC, each its own tone.
    var clips: [String] = []
    for k in 0..<10 {
        let clip = "\(workDir)/clip\(k).mp4"
        clips.append(clip)
        if FileManager.default.fileExists(atPath: clip) { continue }
        try run(
            quiet + [
                "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=5", "-f", "lavfi", "-i",
                "sine=frequency=\(300 + 40 * k):sample_rate=48000:duration=5",
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-x264-params", "bframes=3:keyint=48:min-keyint=48:scenecut=0",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", clip,
            ])
    }
    let list = "\(workDir)/list.txt"
    try clips.map { "file '\(URL(fileURLWithPath: $0).standardizedFileURL.path)'" }.joined(separator: "\n").write(
        toFile: list, atomically: true, encoding: .utf8)
    var report = "# media-bench audio\n\nFFmpeg \(MediaKitInfo.ffmpegVersion); \(ProcessInfo.processInfo.activeProcessorCount) cores; "
    report += "\(repetitions) interleaved runs per command after one warm-up; 10 clips of 5 s, 1920x1080 24 fps H.264 High, AAC 48 kHz stereo.\n"
    report += try compare(
        "Copy concat with audio (10 x 5 s 1080p)",
        [
            Contender(
                name: "ffmpeg -f concat -safe 0 -i LIST -c copy OUT",
                argv: quiet + ["-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "\(workDir)/ff.mp4"]),
            Contender(name: "shotchain concat CLIPS -o OUT (AAC copied)", argv: [shotchain, "concat"] + clips + ["-o", "\(workDir)/sc.mp4"]),
            Contender(name: "the same, audio re-encoded whole (before)", argv: [me, "audio-concat-reencode", "\(workDir)/sc_old.mp4"] + clips),
        ], repetitions: repetitions)
    report += try syncAfterSixty(workDir: workDir, shotchain: shotchain, quiet: quiet)
    let long = "\(workDir)/long30.mp4"
    if !FileManager.default.fileExists(atPath: long) {
        try run(
            quiet + [
                "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30",
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-x264-params", "bframes=3:keyint=48:min-keyint=48:scenecut=0",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", long,
            ])
    }
    report += try compare(
        "Smart cut with audio (30 s 1080p clip, 5.3 s to 24.7 s)",
        [
            Contender(name: "smart cut, AAC packets copied", argv: [me, "audio-trim", "copy", long, "\(workDir)/cut_new.mp4"]),
            Contender(name: "smart cut, audio re-encoded (before)", argv: [me, "audio-trim", "reencode", long, "\(workDir)/cut_old.mp4"]),
        ], repetitions: repetitions)
    print(report)
}

/// `media-bench audio-concat-reencode OUT SEGMENT...`: a concat with the audio decoded and encoded again whole.
func audioConcatReencodeCommand(_ arguments: [String]) throws {
    guard arguments.count >= 2 else { throw BenchError("usage: media-bench audio-concat-reencode OUT SEGMENT...") }
    var options = ConcatOptions()
    options.reencodeAudio = true
    _ = try Concatenator.concatenate(Array(arguments.dropFirst()), to: arguments[0], options: options)
}

/// 60 one-second segments with a tone burst at each start, joined by ffmpeg's concat demuxer and by shotchain:
/// the burst of the last segment against its video time.
func syncAfterSixty(workDir: String, shotchain: String, quiet: [String]) throws -> String {
    let one = "\(workDir)/burst.mp4"
    try run(
        quiet + [
            "-f", "lavfi", "-i", "testsrc2=s=64x64:r=24:d=1", "-f", "lavfi", "-i", "aevalsrc='if(lt(t,0.25),0.5*sin(2*PI*1000*t),0)':s=48000:d=1",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", one,
        ])
    let list = "\(workDir)/list60.txt"
    let path = URL(fileURLWithPath: one).standardizedFileURL.path
    try Array(repeating: "file '\(path)'", count: 60).joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
    try run(quiet + ["-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "\(workDir)/ff60.mp4"])
    try run([shotchain, "concat"] + Array(repeating: one, count: 60) + ["-o", "\(workDir)/sc60.mp4"])
    var out =
        "\n### A/V offset after 60 segments (burst at each segment's first frame)\n\n| output | first burst (ms) | last burst - 59 s (ms) | worst (ms) |\n|---|---|---|---|\n"
    for (name, file) in [("ffmpeg -f concat -c copy", "ff60.mp4"), ("shotchain concat", "sc60.mp4")] {
        let onsets = try burstOnsets("\(workDir)/\(file)", workDir: workDir)
        let offsets = onsets.enumerated().map { ($1 - Double($0)) * 1000 }
        let worst = offsets.map(abs).max() ?? .nan
        out += "| `\(name)` | \(String(format: "%.1f", offsets.first ?? .nan)) | \(String(format: "%.1f", offsets.last ?? .nan)) | "
        out += "\(String(format: "%.1f", worst)) (\(onsets.count) bursts) |\n"
    }
    return out
}

/// Times (s) where a burst starts after 0.5 s of quiet, in the decoded audio (mono 48 kHz, edit list applied).
func burstOnsets(_ path: String, workDir: String) throws -> [Double] {
    let raw = "\(workDir)/onsets.f32"
    _ = try measure(["ffmpeg", "-v", "error", "-i", path, "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"], stdoutPath: raw)
    let samples = try Data(contentsOf: URL(fileURLWithPath: raw)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    var result: [Double] = []
    var quietSince = 0
    for (i, s) in samples.enumerated() where abs(s) >= 0.1 {
        if i - quietSince >= 24000 || result.isEmpty { result.append(Double(i) / 48000) }
        quietSince = i + 1
    }
    return result
}

/// `media-bench audio-trim copy|reencode IN OUT`: the smart cut of 5.3 s to 24.7 s, its audio copied or re-encoded.
func audioTrimCommand(_ arguments: [String]) throws {
    guard arguments.count == 3 else { throw BenchError("usage: media-bench audio-trim copy|reencode IN OUT") }
    var options = TrimOptions(start: 5.3, end: 24.7)
    options.copyAudio = arguments[0] == "copy"
    let result = try Trimmer.trim(input: arguments[1], output: arguments[2], options: options)
    guard result.method == .smartCut else { throw BenchError("audio-trim: not a smart cut (\(result.fallbackReason ?? "?"))") }
}
