// `media-bench colour`: the cost of a colour-corrected segment and of head/tail drops in concat, each variant run
// as its own process (`media-bench colour-run VARIANT IN OUT`) so that wall time, CPU time and peak memory are
// measured alike, round-robin.
import Foundation
import MediaKit

/// A correction like the chain's anchor matching (a little darker, more saturated, warmer).
let benchTransfer = LabTransfer(matrix: [0.95, 0, 0, 0, 1.08, 0, 0, 0, 1.08], offset: [-2, 3, 4])

/// `media-bench colour [--repetitions N] [--work-dir DIR]` and `media-bench colour-run VARIANT IN OUT`.
func colourCommand(_ arguments: [String]) -> Int32 {
    do {
        if arguments.first == "colour-run" {
            try colourRun(Array(arguments.dropFirst()))
        } else {
            print(try colourComparison(Array(arguments.dropFirst())))
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("media-bench: \(error)\n".utf8))
        return 1
    }
}

/// One variant, in this process.
func colourRun(_ arguments: [String]) throws {
    guard arguments.count == 3 else { throw BenchError("usage: media-bench colour-run VARIANT IN OUT") }
    let (variant, clip, out) = (arguments[0], arguments[1], arguments[2])
    switch variant {
    case "reencode":
        _ = try Concatenator.concatenate([clip], to: out, options: .init(reencode: .always))
    case "reencode-corrected":
        // IN as the colour edit leaves it: what libx264 alone costs more on the corrected pictures.
        _ = try Concatenator.concatenate([correctedClip(clip)], to: out, options: .init(reencode: .always))
    case "colour":
        _ = try Concatenator.concatenate([clip], to: out, options: .init(edits: [SegmentEdit(colour: benchTransfer)]))
    case "colour-reencode":
        _ = try Concatenator.concatenate([clip], to: out, options: .init(reencode: .always, edits: [SegmentEdit(colour: benchTransfer)]))
    case "copy":
        _ = try Concatenator.concatenate([clip, clip, clip], to: out)
    case "drop-first":
        _ = try Concatenator.concatenate([clip, clip, clip], to: out, options: .init(seam: .dropFirst))
    case "drops":
        let edits = [SegmentEdit(dropTail: 3), SegmentEdit(dropHead: 3, dropTail: 3), SegmentEdit(dropHead: 3)]
        _ = try Concatenator.concatenate([clip, clip, clip], to: out, options: .init(edits: edits))
    case "picture":
        // The table built and applied to one 1080p picture, 121 times (one per frame of the clip, each its own progress).
        let image = try FrameExtractor.extract(from: clip, .last).image
        var checksum = 0
        for i in 0..<121 { checksum &+= Int(benchTransfer.apply(to: image, progress: Double(i + 1) / 121).pixels[0]) }
        if checksum < 0 { print(checksum) }
    default:
        throw BenchError("unknown variant \(variant)")
    }
}

/// `clip` corrected with `benchTransfer` (the colour variant's output), made beside it by `colourComparison`.
func correctedClip(_ clip: String) -> String { clip.replacingOccurrences(of: ".mp4", with: "_corrected.mp4") }

/// The comparisons, as Markdown.
func colourComparison(_ arguments: [String]) throws -> String {
    var args = arguments
    var repetitions = 5
    var workDir = "bench-out"
    while !args.isEmpty {
        let a = args.removeFirst()
        switch a {
        case "--repetitions": repetitions = Int(args.first ?? "") ?? repetitions
        case "--work-dir": workDir = args.first ?? workDir
        default: throw BenchError("unknown argument \(a)")
        }
        if !args.isEmpty { args.removeFirst() }
    }
    try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
    let clip = "\(workDir)/bench_1080p24_gop2s.mp4"
    if !FileManager.default.fileExists(atPath: clip) {
        // As the main bench's: 1920x1080, 24 fps, 121 frames, H.264 High with B-frames, 2-second GOPs, AAC.
        try run([
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=5.04",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=5.0416667", "-c:v", "libx264", "-preset", "veryfast",
            "-profile:v", "high", "-x264-params", "bframes=3:keyint=48:min-keyint=48:scenecut=0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", clip,
        ])
    }
    let bench = CommandLine.arguments[0]
    if !FileManager.default.fileExists(atPath: correctedClip(clip)) {
        // In a child, as the variants are (a child's peak memory starts from its parent's).
        try run([bench, "colour-run", "colour", clip, correctedClip(clip)])
    }
    func variant(_ name: String, _ label: String) -> Contender {
        Contender(name: label, argv: [bench, "colour-run", name, clip, "\(workDir)/colour_\(name).mp4"])
    }
    var report = "# media-bench colour\n\nFFmpeg \(MediaKitInfo.ffmpegVersion); \(ProcessInfo.processInfo.activeProcessorCount) cores; "
    report += "\(repetitions) interleaved runs per command after one warm-up; input `\(clip)` (1920x1080, 24 fps, 121 frames, "
    report += "H.264 High, B-frames, 2 s GOP, AAC); libx264 veryfast CRF 18 everywhere.\n"
    report += try compare(
        "One 1080p shot re-encoded, plain and colour-corrected",
        [
            variant("reencode", "concat IN --reencode always (plain re-encode)"),
            variant("colour", "concat IN with a colour edit (GOP jobs through the splice encoder)"),
            variant("colour-reencode", "concat IN --reencode always with a colour edit"),
            variant("reencode-corrected", "concat CORRECTED --reencode always (IN already corrected: the encoder's share)"),
            variant("picture", "LabTransfer.apply to a 1080p picture, 121 progress steps"),
        ], repetitions: repetitions)
    report += try compare(
        "Three copies of the shot joined",
        [
            variant("copy", "concat (keep, all copied)"),
            variant("drop-first", "concat --seam drop-first"),
            variant("drops", "concat with 3-frame head and tail drops at both seams"),
        ], repetitions: repetitions, baselineIndex: 1)
    return report
}
