import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Polls a v2 request once and prints its state.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the state of a Segmind request (records live 1 hour after submission).",
            discussion: ExitStatus.helpText)

        @OptionGroup var request: RequestOptions

        func run() async throws {
            try await reportingErrors {
                let status = try await request.withClient { client, job in try await client.status(job) }
                if request.json { return try printJSON(status) }
                var line = "\(status.requestID): \(status.state)"
                if let e = status.error { line += " (\(e))" }
                if !status.metrics.isEmpty {
                    line += " " + status.metrics.keys.sorted().map { "\($0)=\(status.metrics[$0]?.jsonText ?? "")" }.joined(separator: " ")
                }
                print(line)
            }
        }
    }
}
