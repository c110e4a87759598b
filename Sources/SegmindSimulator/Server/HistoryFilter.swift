import Foundation

/// Why a history query was refused.
struct HistoryQueryProblem: Error {
    var message: String
}

/// A parsed history query: the page, the date window (UTC days since 1970, the last 7 days by default), the filters and the order.
struct HistoryFilter {
    var page = 1
    var perPage = 20
    var fromDay: Int
    var toDay: Int
    var modelName: String?
    var status: String?
    var sortBy = "model_created"
    var descending = true

    init(_ values: [String: String], today: Int) throws(HistoryQueryProblem) {
        if let p = values["page"] {
            guard let n = Int(p), n >= 1, n <= 1_000_000 else { throw HistoryQueryProblem(message: "page must be a positive integer, got '\(p)'") }
            page = n
        }
        if let p = values["per_page"] {
            guard let n = Int(p), (1...100).contains(n) else { throw HistoryQueryProblem(message: "per_page must be from 1 to 100, got '\(p)'") }
            perPage = n
        }
        toDay = try values["to_date"].map { v throws(HistoryQueryProblem) in try Self.day(v, name: "to_date") } ?? today
        fromDay = try values["from_date"].map { v throws(HistoryQueryProblem) in try Self.day(v, name: "from_date") } ?? toDay - 7
        guard fromDay <= toDay else { throw HistoryQueryProblem(message: "from_date must not be after to_date") }
        guard toDay - fromDay <= 31 else { throw HistoryQueryProblem(message: "from_date and to_date must be at most 31 days apart") }
        modelName = values["model_name"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
        if let s = values["status"], !s.isEmpty {
            guard ["COMPLETED", "FAILED", "PENDING"].contains(s.uppercased()) else {
                throw HistoryQueryProblem(message: "status must be COMPLETED, FAILED or PENDING, got '\(s)'")
            }
            status = s.uppercased()
        }
        if let s = values["sort_by"] {
            guard ["model_created", "model_name", "credits_deduction"].contains(s) else {
                throw HistoryQueryProblem(message: "sort_by must be model_created, model_name or credits_deduction, got '\(s)'")
            }
            sortBy = s
        }
        if let s = values["sort_order"] {
            guard ["asc", "desc"].contains(s.lowercased()) else { throw HistoryQueryProblem(message: "sort_order must be asc or desc, got '\(s)'") }
            descending = s.lowercased() == "desc"
        }
    }

    func admits(_ row: HistoryRow) -> Bool {
        (fromDay...toDay).contains(row.createdDay) && (modelName.map { row.slug.lowercased().contains($0) } ?? true)
            && (status.map { $0 == row.status } ?? true)
    }

    /// `rows` (oldest first) in the asked order; ties keep the creation order (reversed when descending).
    func sorted(_ rows: [HistoryRow]) -> [HistoryRow] {
        func less(_ a: (offset: Int, element: HistoryRow), _ b: (offset: Int, element: HistoryRow)) -> Bool {
            switch sortBy {
            case "model_name" where a.element.slug != b.element.slug: return a.element.slug < b.element.slug
            case "credits_deduction" where a.element.costMillis != b.element.costMillis: return a.element.costMillis < b.element.costMillis
            default: return a.offset < b.offset
            }
        }
        return rows.enumerated().sorted { descending ? less($1, $0) : less($0, $1) }.map(\.element)
    }

    /// Days since 1970 of a `YYYY-MM-DD` date (UTC).
    static func day(_ text: String, name: String) throws(HistoryQueryProblem) -> Int {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let date = formatter.date(from: text), formatter.string(from: date) == text else {
            throw HistoryQueryProblem(message: "\(name) must be a date in the form YYYY-MM-DD, got '\(text)'")
        }
        return Int((date.timeIntervalSince1970 / 86400).rounded(.down))
    }
}
