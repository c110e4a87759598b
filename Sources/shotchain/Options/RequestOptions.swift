import ArgumentParser
import Foundation
import Segmind

/// The request that `status` and `result` are about, and how to reach the API for it.
struct RequestOptions: ParsableArguments {
    @Argument(help: "The request id printed by `shotchain generate`.")
    var requestID: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var service: ServiceOptions

    /// Runs `body` with a client for the configured API and the request reopened from its id.
    func withClient<Result: Sendable>(_ body: (SegmindClient, Job) async throws -> Result) async throws -> Result {
        let configuration = try service.configuration()
        let job = try Job.reopen(requestID: requestID, baseURL: configuration.baseURL)
        return try await AsyncHTTPTransport.withTransport { transport in
            try await body(SegmindClient(configuration: configuration, transport: transport), job)
        }
    }
}
