import Foundation
import Hummingbird
import SegmindCatalog

/// The request-history endpoints at the host root, as Segmind's SDK calls them:
/// `GET /inference-request/request-history[/<id>]`.
extension SimulatorService {
    /// One request by id, of any age; 404 for an unknown one.
    func historyRow(id: String) async -> Response {
        guard let row = await state.history.first(where: { $0.id == id }) else {
            return .error(404, "Request \(id) not found in the request history")
        }
        return .json(200, ["data": row.json(base: await state.baseURL)])
    }

    /// A page of the history, filtered and sorted by the query (`page`, `per_page`, `from_date`, `to_date`,
    /// `model_name`, `status`, `sort_by`, `sort_order`); a value out of range is a 400 naming it.
    func historyList(query: String?) async -> Response {
        var components = URLComponents()
        components.percentEncodedQuery = query
        var values: [String: String] = [:]
        for item in components.queryItems ?? [] { values[item.name] = item.value ?? "" }
        let filter: HistoryFilter
        do throws(HistoryQueryProblem) { filter = try HistoryFilter(values, today: Int((Date().timeIntervalSince1970 / 86400).rounded(.down))) } catch
        {
            return .error(400, error.message)
        }
        let matching = filter.sorted(await state.history.filter(filter.admits))
        let start = min(matching.count, (filter.page - 1) * filter.perPage)
        let page = matching[start..<min(matching.count, start + filter.perPage)]
        let base = await state.baseURL
        return .json(
            200,
            [
                "data": .array(page.map { $0.json(base: base) }), "total": .number(Double(matching.count)), "page": .number(Double(filter.page)),
                "per_page": .number(Double(filter.perPage)),
            ])
    }
}
