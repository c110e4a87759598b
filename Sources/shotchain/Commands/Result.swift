import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Fetches a completed v2 request's result and downloads its output.
    struct ResultCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "result",
            abstract: "Download the output of a completed Segmind request (through the request history once the 1-hour record is gone).",
            discussion: ExitStatus.helpText)

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the output.", valueName: "file"))
        var output: String

        @OptionGroup var request: RequestOptions

        func run() async throws {
            try await reportingErrors {
                let outcome = try await request.withClient { client, job in
                    let result: GenerationResult
                    do { result = try await client.result(job) } catch SegmindError.notFound(let id, let message) {
                        // The v2 record lives 1 hour; the request history outlives it.
                        let record: HistoryRecord?
                        do { record = try await client.history(requestID: id) } catch {
                            throw SegmindError.notFound(requestID: id, message: "\(message); the request history could not be read: \(error)")
                        }
                        guard let record else { throw SegmindError.notFound(requestID: id, message: message) }
                        return try await client.download(record, for: job, to: URL(fileURLWithPath: output), expecting: nil)
                    }
                    guard result.state == .completed else {
                        throw SegmindError.deadlineExceeded(requestID: job.requestID, lastStatus: result.state.description, waitedSeconds: 0)
                    }
                    let file = try await client.download(result, to: URL(fileURLWithPath: output), expecting: nil)
                    return GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting)
                }
                if request.json { try printJSON(outcome) } else { print(OutcomeText.describe(outcome)) }
            }
        }
    }
}
