// The post-processing of one downloaded shot, three ways: the four commands the chain's report used to run,
// one full decode alone, and `ShotCheck` (one open, one decode pass).
import Foundation
import MediaKit

/// `media-bench shotcheck FILE [-o DIR] [--statistics] [--no-images] [--decode-only]`: `ShotCheck.check` with a
/// decode request, then the first and the last displayed frames written as DIR/first.png and DIR/last.png (not with
/// `--no-images`); prints the verification summary, the frame count, the held frames, the colour and the findings;
/// with `--statistics` also one line per frame (time, luma difference in code values at 8 bits, dark fraction,
/// mean Lab). `--decode-only` makes one plain decode instead (`Verifier.verify` with a decode request, as
/// `shotchain verify --decode`), the baseline of the statistics' cost.
func shotcheckCommand(_ arguments: [String]) throws {
    var args = arguments
    var outDir = "."
    var file: String?
    var perFrame = false
    var images = true
    var decodeOnly = false
    while !args.isEmpty {
        let a = args.removeFirst()
        if a == "--statistics" {
            perFrame = true
        } else if a == "--no-images" {
            images = false
        } else if a == "--decode-only" {
            decodeOnly = true
        } else if a == "-o" || a == "--output-dir" {
            guard !args.isEmpty else { throw BenchError("\(a) needs a folder") }
            outDir = args.removeFirst()
        } else if file == nil {
            file = a
        } else {
            throw BenchError("unexpected argument \(a)")
        }
    }
    guard let file else { throw BenchError("usage: media-bench shotcheck FILE [-o DIR] [--statistics] [--no-images] [--decode-only]") }
    if decodeOnly {
        print(try Verifier.verify(file, VerificationRequest(decode: true)).summary(), terminator: "")
        return
    }
    let result = try ShotCheck.check(file, against: VerificationRequest(decode: true))
    if images {
        try ImageFile.write(result.firstFrame, to: "\(outDir)/first.png")
        try ImageFile.write(result.lastFrame, to: "\(outDir)/last.png")
    }
    print(result.verification.summary(), terminator: "")
    print("\(result.frames.count) frames with statistics")
    if perFrame {
        for (i, f) in result.frames.enumerated() {
            let lab = String(format: "%.2f %.2f %.2f", f.lab.l, f.lab.a, f.lab.b)
            print(String(format: "%4d %8.4f %8.4f %6.4f ", i, f.seconds, f.lumaDifference * 255, f.darkFraction) + lab)
        }
    }
    let median = ShotMotion.medianDifference(of: result.frames)
    print(
        String(
            format: "median difference %.5f (%.3f code values), hold limit %.5f", median, median * 255,
            QAThresholds().holdLimit(medianDifference: median)))
    print("held: head \(result.held.head), tail \(result.held.tail)")
    if let colour = result.colour {
        for (name, stats) in [("first", colour.first), ("middle", colour.middle), ("last", colour.last)] {
            let m = stats.mean
            let s = stats.spread
            print("colour \(name): mean " + String(format: "%.2f %.2f %.2f, spread %.2f %.2f %.2f", m.l, m.a, m.b, s.l, s.a, s.b))
        }
    }
    for finding in result.findings {
        print("finding: \(finding.kind.rawValue) " + String(format: "%.3f-%.3f s", finding.startSeconds, finding.endSeconds))
    }
}

/// The 1080p shot's post-processing measured three ways, round-robin, with ratios to the full decode alone.
func postProcessingComparison(clip: String, workDir: String, shotchain: String, repetitions: Int) throws -> String {
    let bench = CommandLine.arguments[0]
    // The four commands one after another, in one shell so that one contender times their sum.
    let before =
        "\"$0\" probe \"$1\" && \"$0\" verify \"$1\" --decode && \"$0\" frame \"$1\" --first -o \"$2/pp_first.png\""
        + " && \"$0\" frame \"$1\" --last -o \"$2/pp_last.png\""
    return try compare(
        "Post-processing of one shot (probe, verify --decode, first and last frame)",
        [
            Contender(name: "shotchain verify IN --decode (one full decode)", argv: [shotchain, "verify", clip, "--decode"]),
            Contender(
                name: "shotchain probe; verify --decode; frame --first; frame --last (before)",
                argv: ["sh", "-c", before, shotchain, clip, workDir]),
            Contender(name: "media-bench shotcheck IN -o DIR (ShotCheck, after)", argv: [bench, "shotcheck", clip, "-o", workDir]),
        ], repetitions: repetitions)
}

/// What the shot's statistics, colour, hold detection and QA cost: `ShotCheck` (no PNG written) against one plain
/// decode of the same 1080p shot in the same executable, round-robin.
func statisticsCostComparison(clip: String, repetitions: Int) throws -> String {
    let bench = CommandLine.arguments[0]
    return try compare(
        "ShotCheck (frame statistics with Lab, shot colour, holds, QA) against one plain decode",
        [
            Contender(name: "media-bench shotcheck IN --decode-only (one plain decode)", argv: [bench, "shotcheck", clip, "--decode-only"]),
            Contender(name: "media-bench shotcheck IN --no-images (ShotCheck)", argv: [bench, "shotcheck", clip, "--no-images"]),
        ], repetitions: repetitions)
}
