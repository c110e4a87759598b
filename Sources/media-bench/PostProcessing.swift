// The post-processing of one downloaded shot, three ways: the four commands the chain's report used to run,
// one full decode alone, and `ShotCheck` (one open, one decode pass).
import Foundation
import MediaKit

/// `media-bench shotcheck FILE [-o DIR]`: `ShotCheck.check` with a decode request, then the first and the last
/// displayed frames written as DIR/first.png and DIR/last.png; prints the verification summary and the frame count.
func shotcheckCommand(_ arguments: [String]) throws {
    var args = arguments
    var outDir = "."
    var file: String?
    while !args.isEmpty {
        let a = args.removeFirst()
        if a == "-o" || a == "--output-dir" {
            guard !args.isEmpty else { throw BenchError("\(a) needs a folder") }
            outDir = args.removeFirst()
        } else if file == nil {
            file = a
        } else {
            throw BenchError("unexpected argument \(a)")
        }
    }
    guard let file else { throw BenchError("usage: media-bench shotcheck FILE [-o DIR]") }
    let result = try ShotCheck.check(file, against: VerificationRequest(decode: true))
    try ImageFile.write(result.firstFrame, to: "\(outDir)/first.png")
    try ImageFile.write(result.lastFrame, to: "\(outDir)/last.png")
    print(result.verification.summary(), terminator: "")
    print("\(result.frames.count) frames with statistics")
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
