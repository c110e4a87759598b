import Foundation
import SegmindCatalog

/// One request in the account's history: kept after the v2 status record expires, as Segmind keeps it.
struct HistoryRow: Sendable {
    var id: String
    var slug: String
    /// The request body as received.
    var body: [String: JSONValue]
    var costMillis: Int
    var createdAt: Date
    var updatedAt: Date
    /// The outcome, once the job is terminal.
    var outcome: JobOutcome?

    /// `COMPLETED`, `FAILED` or `PENDING`.
    var status: String {
        switch outcome {
        case .completed?: return "COMPLETED"
        case .failed?: return "FAILED"
        case nil: return "PENDING"
        }
    }

    /// The row as the history endpoints send it; `base` is the simulator's root URL (outputs live under it).
    func json(base: String) -> JSONValue {
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var row: [String: JSONValue] = [
            "request_id": .string(id), "model_name": .string(slug), "model_status": .string(status), "request_body": .object(body),
            "credits_deduction": dollars(costMillis), "created_at": .string(stamp.string(from: createdAt)),
            "updated_at": .string(stamp.string(from: updatedAt)), "generation_url": .null, "error": .null, "latency_ms": .null,
        ]
        switch outcome {
        case .completed(let file)?:
            row["generation_url"] = .string("\(base)/files/\(file.id)/\(file.name)")
            row["latency_ms"] = .number((updatedAt.timeIntervalSince(createdAt) * 1000).rounded())
        case .failed(let message)?:
            row["error"] = .string(message)
            row["latency_ms"] = .number((updatedAt.timeIntervalSince(createdAt) * 1000).rounded())
        case nil: break
        }
        return .object(row)
    }

    /// The UTC day of the creation time, as days since 1970.
    var createdDay: Int { Int((createdAt.timeIntervalSince1970 / 86400).rounded(.down)) }
}
