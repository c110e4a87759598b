import Foundation
import Segmind

/// Finds, in the account's request history, the requests of submits whose answer was lost (the process died after
/// sending, before the request id reached the journal), and journals them as submitted, so the run polls them
/// instead of asking the user to pay again.
///
/// A row matches when it is of the same model, was created no earlier than a minute before the intent, is not a
/// request the journal already knows, and its `request_body` equals the body the intent recorded (a row without a
/// body is unknown, never a match). The earliest match wins.
struct SubmitReconciler {
    /// The client (its history base).
    var client: SegmindClient

    /// What was searched for one shot that stays unknown, for the message.
    struct Search: Sendable {
        /// The shot id.
        var shot: String
        /// How many rows were read.
        var rows: Int
        /// The window, `YYYY-MM-DD to YYYY-MM-DD`.
        var window: String
        /// Why it could not be searched, when it could not.
        var problem: String?
    }

    /// Journals a `submitted` record for every outcome-unknown take of `plan` found in the history.
    ///
    /// - Returns: the searches that found nothing (the next run searches again).
    func reconcile(_ plan: ChainPlan, records: [JournalRecord], journal: RunJournal) async throws -> [Search] {
        let states = RunJournal.states(records)
        var known = Set(states.values.flatMap { $0.takes.compactMap(\.requestID) })
        var unfound: [Search] = []
        for shot in plan.shots {
            guard let take = states[shot.id]?.take, take.intent, take.requestID == nil else { continue }
            guard let body = take.sentBody, let time = take.intentTime else {
                unfound.append(Search(shot: shot.id, rows: 0, window: "-", problem: "the journal has no body for this submit (an older run)"))
                continue
            }
            let from = HistoryQuery.date(of: time - 86_400)
            let to = HistoryQuery.date(of: min(Date().timeIntervalSince1970 + 86_400, time + 29 * 86_400))
            let query = HistoryQuery(perPage: HistoryQuery.maxPerPage, fromDate: from, toDate: to, modelName: shot.model.slug)
            let rows: [HistoryRecord]
            do { rows = try await client.history(walking: query, pageLimit: 10) } catch {
                unfound.append(Search(shot: shot.id, rows: 0, window: "\(from) to \(to)", problem: "history unavailable: \(error)"))
                continue
            }
            let match =
                rows.filter { row in
                    guard let id = row.requestID, !known.contains(id), row.modelName.map({ $0 == shot.model.slug }) ?? true else { return false }
                    return (row.createdAt ?? time) >= time - 60 && row.matchesSent(body)
                }
                .min { ($0.createdAt ?? 0) < ($1.createdAt ?? 0) }
            guard let id = match?.requestID else {
                unfound.append(Search(shot: shot.id, rows: rows.count, window: "\(from) to \(to)", problem: nil))
                continue
            }
            let job = try Job.reopen(requestID: id, baseURL: client.configuration.baseURL)
            try journal.append(
                JournalRecord(
                    event: "submitted", shot: shot.id, requestID: id, statusURL: job.statusURL, responseURL: job.responseURL, message: "from history",
                    take: take.number))
            known.insert(id)
        }
        return unfound
    }
}
