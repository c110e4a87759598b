// media-bench: runs shotchain's media commands side by side with the ffmpeg CLI doing the same job, in one run,
// and prints wall time, CPU time and peak memory per command with ratios. See BENCHMARKS.md.
import Foundation
import MediaKit

#if canImport(Glibc)
    import Glibc
#endif

/// One measured run of a command.
struct Sample {
    var wall: Double
    var cpu: Double
    var maxRSSKiB: Int
}

/// Spawns `argv` with stdout/stderr to /dev/null (or a file), waits with wait4, returns wall/CPU/peak RSS.
func measure(_ argv: [String], stdoutPath: String = "/dev/null") throws -> Sample {
    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let rc = posix_spawnp(&pid, argv[0], &fileActions, nil, cArgs, environ)
    guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let exited = (status & 0x7f) == 0
    let code = (status >> 8) & 0xff
    guard exited && code == 0 else { throw BenchError("\(argv.joined(separator: " ")) failed with status \(status)") }
    let cpu =
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
    return Sample(wall: wall, cpu: cpu, maxRSSKiB: usage.ru_maxrss)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A named command measured `repetitions` times (interleaved with its competitors).
struct Contender {
    var name: String
    var argv: [String]
    var samples: [Sample] = []
    var medianWall: Double { median(samples.map(\.wall)) }
    var medianCPU: Double { median(samples.map(\.cpu)) }
    var peakRSSMiB: Double { Double(samples.map(\.maxRSSKiB).max() ?? 0) / 1024 }
}

/// Runs the contenders round-robin (so machine noise hits all alike), after one warm-up each.
func compare(_ title: String, _ contenders: [Contender], repetitions: Int, baselineIndex: Int = 0) throws -> String {
    var cs = contenders
    for c in cs { _ = try measure(c.argv) }
    for _ in 0..<repetitions {
        for i in cs.indices { cs[i].samples.append(try measure(cs[i].argv)) }
    }
    let base = cs[baselineIndex].medianWall
    var out =
        "\n### \(title)\n\n| command | median wall (s) | median CPU (s) | peak RSS (MiB) | wall ratio vs `\(cs[baselineIndex].name)` |\n|---|---|---|---|---|\n"
    for c in cs {
        out += "| `\(c.name)` | \(String(format: "%.3f", c.medianWall)) | \(String(format: "%.3f", c.medianCPU)) | "
        out += "\(String(format: "%.1f", c.peakRSSMiB)) | \(String(format: "%.2f", c.medianWall / base)) |\n"
    }
    return out
}

/// Checks that the compared commands agree: the two last frames are the same picture, and probe's fields equal ffprobe's.
func sameAnswers(clip: String, workDir: String, shotchain: String) throws -> String {
    var out = "\n### Same answers\n\n"
    let ours = try ImageFile.read("\(workDir)/sc_last.png")
    let theirs = try ImageFile.read("\(workDir)/ff_last.png")
    let psnr = ours.psnr(theirs).map { $0.isInfinite ? "identical pixels" : String(format: "PSNR %.1f dB", $0) } ?? "different sizes"
    out += "- last frame: shotchain vs `ffmpeg -sseof -1 -update 1`: \(psnr)\n"
    _ = try measure([shotchain, "probe", "--json", clip], stdoutPath: "\(workDir)/sc_probe.json")
    _ = try measure(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", clip], stdoutPath: "\(workDir)/ff_probe.json")
    let sc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(workDir)/sc_probe.json"))) as? [[String: Any]]
    let ff = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(workDir)/ff_probe.json"))) as? [String: Any]
    guard let scStreams = sc?.first?["streams"] as? [[String: Any]], let ffStreams = ff?["streams"] as? [[String: Any]] else {
        throw BenchError("cannot read the probe outputs")
    }
    var mismatches: [String] = []
    for (a, b) in zip(scStreams, ffStreams) {
        for (ours, theirs) in [
            ("codec", "codec_name"), ("width", "width"), ("height", "height"), ("pix_fmt", "pix_fmt"), ("sample_rate", "sample_rate"),
            ("channels", "channels"),
        ] {
            guard let bv = b[theirs] else { continue }
            if "\(a[ours] ?? "nil")" != "\(bv)" { mismatches.append("\(ours): \(a[ours] ?? "nil") vs \(bv)") }
        }
        if let fd = (b["duration"] as? String).flatMap(Double.init), let sd = a["duration"] as? Double, abs(fd - sd) > 0.001 {
            mismatches.append("duration: \(sd) vs \(fd)")
        }
        // Video only: ffprobe's audio nb_frames counts the priming packet the edit list hides; ours counts what plays.
        if b["codec_type"] as? String == "video", let fn = (b["nb_frames"] as? String).flatMap(Int.init),
            let sn = a["frame_count"] as? Int, fn != sn
        {
            mismatches.append("frames: \(sn) vs \(fn)")
        }
    }
    out += "- probe vs ffprobe (codec, size, pix_fmt, sample rate, channels, duration per stream; video frame count): "
    out += mismatches.isEmpty ? "same answer\n" : "DIFFERENT: \(mismatches.joined(separator: "; "))\n"
    return out
}

func run(_ argv: [String]) throws {
    _ = try measure(argv)
}

// MARK: - main

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "shotcheck" {
    do {
        try shotcheckCommand(Array(args.dropFirst()))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("media-bench: \(error)\n".utf8))
        exit(1)
    }
}
if args.first == "colour" || args.first == "colour-run" { exit(colourCommand(args)) }
// `media-bench postprocess [options]` measures the post-processing section alone.
let postProcessingOnly = args.first == "postprocess"
if postProcessingOnly { args.removeFirst() }
var repetitions = 10
var workDir = "bench-out"
var statisticsOnly = false
var shotchain = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("shotchain").path
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--repetitions": repetitions = Int(args.removeFirst()) ?? repetitions
    case "--work-dir": workDir = args.removeFirst()
    case "--shotchain": shotchain = args.removeFirst()
    case "--statistics-only": statisticsOnly = true
    case "-h", "--help":
        print("usage: media-bench [postprocess [--statistics-only]] [--repetitions N] [--work-dir DIR] [--shotchain PATH]")
        print("       media-bench shotcheck FILE [-o DIR] [--statistics] [--no-images] [--decode-only]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("media-bench: unknown argument \(a)\n".utf8))
        exit(64)
    }
}

do {
    try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
    let clip = "\(workDir)/bench_1080p24_gop2s.mp4"
    if !FileManager.default.fileExists(atPath: clip) {
        // 1920x1080, 24 fps, 5.04 s (121 frames), H.264 High with B-frames, 2-second GOPs, AAC.
        try run([
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=5.04",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=5.0416667",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
            "-x264-params", "bframes=3:keyint=48:min-keyint=48:scenecut=0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", clip,
        ])
    }
    var report = "# media-bench\n\nFFmpeg \(MediaKitInfo.ffmpegVersion); \(ProcessInfo.processInfo.activeProcessorCount) cores; "
    report += "\(repetitions) interleaved runs per command after one warm-up; input `\(clip)` "
    report += "(1920x1080, 24 fps, 121 frames, H.264 High, B-frames, 2 s GOP, AAC).\n"
    if !statisticsOnly {
        report += try postProcessingComparison(clip: clip, workDir: workDir, shotchain: shotchain, repetitions: repetitions)
    }
    report += try statisticsCostComparison(clip: clip, repetitions: repetitions)
    if postProcessingOnly {
        print(report)
        exit(0)
    }
    report += try compare(
        "Last frame",
        [
            Contender(
                name: "ffmpeg -sseof -1 -i IN -update 1 OUT.png",
                argv: ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-sseof", "-1", "-i", clip, "-update", "1", "\(workDir)/ff_last.png"]),
            Contender(name: "shotchain frame IN --last -o OUT.png", argv: [shotchain, "frame", clip, "--last", "-o", "\(workDir)/sc_last.png"]),
            Contender(
                name: "ffmpeg -i IN -f null - (full decode)", argv: ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", clip, "-f", "null", "-"]),
            Contender(
                name: "ffmpeg -i IN -update 1 OUT.png (full decode to PNG)",
                argv: ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", clip, "-update", "1", "\(workDir)/ff_full_last.png"]),
        ], repetitions: repetitions)
    report += try compare(
        "Probe",
        [
            Contender(
                name: "ffprobe -show_streams -show_format -of json IN",
                argv: ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", clip]),
            Contender(name: "shotchain probe --json IN", argv: [shotchain, "probe", "--json", clip]),
        ], repetitions: repetitions)
    report += try sameAnswers(clip: clip, workDir: workDir, shotchain: shotchain)
    print(report)
} catch {
    FileHandle.standardError.write(Data("media-bench: \(error)\n".utf8))
    exit(1)
}
