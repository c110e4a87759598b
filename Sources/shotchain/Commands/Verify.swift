import ArgumentParser
import Foundation
import MediaKit

extension Shotchain {
    /// `shotchain verify FILE [checks] [--json]`: checks a video or image against what was asked for.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a video or image against expected properties.",
            discussion: """
                Each requested property is checked and printed with its expected and actual value. \
                Exit status 0 when every check passes, 1 when one fails, 2 when the file cannot be read.
                """
        )

        @Argument(help: "The file to check.")
        var file: String

        @Option(help: "Expected video duration in seconds.")
        var duration: Double?

        @Option(help: "Expected display aspect ratio (16:9, 9:16, 1:1), within 1%.")
        var aspect: String?

        @Option(help: "Expected display size, WxH.")
        var resolution: String?

        @Option(help: "Expected frame rate.")
        var fps: Double?

        @Option(help: "Expected number of displayed frames.")
        var frames: Int?

        @Option(help: "Whether an audio stream is expected: yes or no.")
        var audio: String?

        @Flag(help: "Decode every frame; fail on decode errors, corrupt or missing frames, timestamp gaps.")
        var decode = false

        @Option(help: "Duration tolerance in seconds (default: one frame plus 0.05).")
        var tolerance: Double?

        @Flag(help: "Print JSON: {path, passed, checks: [{name, expected, actual, passed}]}.")
        var json = false

        func validate() throws {
            if let aspect, VerificationRequest.aspectRatio(aspect) == nil {
                throw ValidationError("--aspect \"\(aspect)\" is not W:H (e.g. 16:9)")
            }
            if let resolution, VerificationRequest.Resolution(parsing: resolution) == nil {
                throw ValidationError("--resolution \"\(resolution)\" is not WxH (e.g. 1280x720)")
            }
            if let audio, !["yes", "no"].contains(audio.lowercased()) {
                throw ValidationError("--audio must be yes or no, not \"\(audio)\"")
            }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            if let fps, !(fps > 0) { throw ValidationError("--fps must be positive") }
            if let frames, frames < 0 { throw ValidationError("--frames must not be negative") }
            if let tolerance, !(tolerance >= 0) { throw ValidationError("--tolerance must not be negative") }
        }

        func run() async throws {
            let request = VerificationRequest(
                duration: duration, aspect: aspect, resolution: resolution.flatMap { VerificationRequest.Resolution(parsing: $0) },
                fps: fps, frames: frames, audio: audio.map { $0.lowercased() == "yes" }, decode: decode, tolerance: tolerance)
            var report: VerificationReport?
            try await reportingErrors { report = try Verifier.verify(file, request) }
            guard let report else { return }
            print(json ? try report.json() : report.summary(), terminator: "")
            if !report.passed { throw ExitCode(ExitStatus.checkFailed) }
        }
    }
}
