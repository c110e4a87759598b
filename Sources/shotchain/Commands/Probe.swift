import ArgumentParser
import Foundation
import MediaKit

extension Shotchain {
    /// `shotchain probe FILE... [--json]`: describes video and image files.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe video and image files.",
            discussion: """
                Prints a summary per file, or with --json an array with one object per file. \
                Exit status 2 when any file cannot be read, is truncated or does not decode; \
                the other files are still printed.
                """
        )

        @Argument(help: "The files to describe.")
        var files: [String]

        @Flag(help: "Print JSON: an array with one object per readable file.")
        var json = false

        func run() async throws {
            let report = ProbeReport.make(paths: files)
            print(json ? try report.json() : report.summary(), terminator: "")
            for error in report.errors { printError(error.description) }
            if !report.errors.isEmpty { throw ExitCode(ExitStatus.badInput) }
        }
    }
}
