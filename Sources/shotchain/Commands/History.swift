import ArgumentParser
import Foundation
import Segmind

extension Shotchain {
    /// Lists the account's recent requests from Segmind's request history, which outlives the 1-hour v2 records.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recent Segmind requests (newest first), failed and in-flight ones included.",
            discussion: "Reads the account's request history (default: the last 7 days; --since reaches back at most 31 days). "
                + ExitStatus.helpText)

        @Option(help: ArgumentHelp("Only models whose name contains this.", valueName: "slug"))
        var model: String?
        @Option(help: ArgumentHelp("The first day to list (UTC).", valueName: "YYYY-MM-DD"))
        var since: String?
        @Option(help: ArgumentHelp("Only requests in this state: COMPLETED, FAILED or PENDING.", valueName: "state"))
        var status: String?
        @Option(help: "The most requests to list.")
        var limit = 20
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var service: ServiceOptions

        func run() async throws {
            try await reportingErrors {
                guard limit >= 1 else { throw SegmindError.configuration("--limit \(limit): must be at least 1") }
                let state = try status.map { s in
                    guard let state = HistoryQuery.Status(rawValue: s.uppercased()) else {
                        throw SegmindError.configuration("--status \(s): use COMPLETED, FAILED or PENDING")
                    }
                    return state
                }
                let query = HistoryQuery(
                    perPage: min(limit, HistoryQuery.maxPerPage), fromDate: since,
                    toDate: since.map { _ in HistoryQuery.date(of: Date().timeIntervalSince1970) },
                    modelName: model, status: state)
                let configuration = try service.configuration()
                let rows = try await AsyncHTTPTransport.withTransport { transport in
                    try await SegmindClient(configuration: configuration, transport: transport).history(walking: query, limit: limit)
                }
                // Newest first; rows without a time keep the service's order after the dated ones.
                let newest = rows.enumerated().sorted { a, b in
                    (a.element.createdAt ?? -.infinity, -a.offset) > (b.element.createdAt ?? -.infinity, -b.offset)
                }.map(\.element)
                if json { return try printJSON(newest) }
                if newest.isEmpty { print("no requests") }
                for row in newest { print(Self.line(row)) }
            }
        }

        /// Time, request id, model, status, cost and error; `-` for what the row lacks.
        static func line(_ row: HistoryRecord) -> String {
            let time = row.createdAt.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)) } ?? "-"
            var fields = [time, row.requestID ?? "-", row.modelName ?? "-", row.status?.description ?? "-", row.costUSD.map { "$\($0)" } ?? "-"]
            if let e = row.error { fields.append(e) }
            return fields.joined(separator: "  ")
        }
    }
}
