import ArgumentParser
import Foundation
import MediaKit

extension Shotchain {
    /// `shotchain trim IN -o OUT --start S (--end E | --duration D) [--mode exact|keyframe] [--json]`.
    struct Trim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cut a time range out of a video.",
            discussion: """
                Times are seconds from the first displayed frame. --mode exact (the default) keeps exactly the \
                frames shown in [start, end): short inputs are re-encoded, long H.264 inputs are smart-cut (only \
                the partial GOPs at the cut points are re-encoded). --mode keyframe copies whole GOPs without \
                re-encoding and prints the cut points it used. Audio is cut to the sample and re-encoded as AAC. \
                Nothing is written at OUT unless the trim completes. Exit status 2 on bad input.
                """
        )

        @Argument(help: "The input video.")
        var input: String

        @Option(name: .shortAndLong, help: "The output MP4 file.")
        var output: String

        @Option(help: "Start time in seconds.")
        var start: Double

        @Option(help: "End time in seconds (exclusive).")
        var end: Double?

        @Option(help: "Duration in seconds (instead of --end).")
        var duration: Double?

        @Option(help: "exact or keyframe.")
        var mode: String = "exact"

        @Flag(help: "Always re-encode fully in exact mode (no smart cut).")
        var noSmartCut = false

        @Flag(help: "Re-encode losslessly (High 4:4:4 Predictive, qp 0): re-encoded frames keep the source's pixels.")
        var lossless = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            if end != nil && duration != nil { throw ValidationError("give --end or --duration, not both") }
            if end == nil && duration == nil { throw ValidationError("give --end or --duration") }
            if TrimMode(rawValue: mode) == nil { throw ValidationError("--mode must be exact or keyframe, not \"\(mode)\"") }
            if !(start >= 0) { throw ValidationError("--start must be a non-negative number of seconds") }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            if let end, !(end > start) { throw ValidationError("--end must be after --start") }
        }

        func run() async throws {
            let options = TrimOptions(
                start: start, end: end ?? duration.map { start + $0 }, mode: TrimMode(rawValue: mode) ?? .exact,
                allowSmartCut: !noSmartCut, lossless: lossless)
            try await reportingErrors {
                let result = try Trimmer.trim(input: input, output: output, options: options)
                print(json ? try result.json() : result.summary(), terminator: "")
            }
        }
    }
}
