import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Fetches a completed v2 request's result and downloads its output.
    struct ResultCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "result", abstract: "Download the output of a completed Segmind request.",
            discussion: ExitStatus.helpText)

        @Argument(help: "The request id printed by `shotchain generate`.")
        var requestID: String

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the output.", valueName: "file"))
        var output: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var service: ServiceOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try service.configuration()
                let job = try Job.reopen(requestID: requestID, baseURL: configuration.baseURL)
                let outcome = try await AsyncHTTPTransport.withTransport { transport in
                    let client = SegmindClient(configuration: configuration, transport: transport)
                    let result = try await client.result(job)
                    guard result.state == .completed else {
                        throw SegmindError.deadlineExceeded(requestID: requestID, lastStatus: result.state.description, waitedSeconds: 0)
                    }
                    let file = try await client.download(result, to: URL(fileURLWithPath: output), expecting: nil)
                    return GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting)
                }
                if json { try printJSON(outcome) } else { print(OutcomeText.describe(outcome)) }
            }
        }
    }
}
