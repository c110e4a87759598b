import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Polls a v2 request once and prints its state.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the state of a Segmind request (records live 1 hour after submission).",
            discussion: ExitStatus.helpText)

        @Argument(help: "The request id printed by `shotchain generate`.")
        var requestID: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var service: ServiceOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try service.configuration()
                let job = try Job.reopen(requestID: requestID, baseURL: configuration.baseURL)
                let status = try await AsyncHTTPTransport.withTransport { transport in
                    try await SegmindClient(configuration: configuration, transport: transport).status(job)
                }
                if json { return try printJSON(status) }
                var line = "\(status.requestID): \(status.state)"
                if let e = status.error { line += " (\(e))" }
                if !status.metrics.isEmpty {
                    line += " " + status.metrics.keys.sorted().map { "\($0)=\(status.metrics[$0]!.jsonText)" }.joined(separator: " ")
                }
                print(line)
            }
        }
    }
}
