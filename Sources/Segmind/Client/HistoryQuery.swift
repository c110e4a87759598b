import Foundation

/// One page of the account's request history (`GET <history base>/inference-request/request-history`).
///
/// Every field maps to the query parameter of the same name; nil leaves the service's default (the last 7 days,
/// newest first). ``validate()`` refuses what the service would refuse, before anything is sent.
public struct HistoryQuery: Sendable, Equatable {
    /// The statuses the service filters on.
    public enum Status: String, Sendable, CaseIterable {
        /// Finished with an output.
        case completed = "COMPLETED"
        /// Finished without one.
        case failed = "FAILED"
        /// Queued or processing.
        case pending = "PENDING"
    }

    /// The orders the service sorts by.
    public enum SortKey: String, Sendable, CaseIterable {
        /// The creation time (the service's default).
        case created = "model_created"
        /// The model name.
        case modelName = "model_name"
        /// The cost.
        case cost = "credits_deduction"
    }

    /// The most rows one page may ask for.
    public static let maxPerPage = 100
    /// The widest date window, in days.
    public static let maxSpanDays = 31

    /// The page, from 1.
    public var page: Int
    /// Rows per page, 1 to 100.
    public var perPage: Int
    /// The first day (`YYYY-MM-DD`, UTC), inclusive.
    public var fromDate: String?
    /// The last day (`YYYY-MM-DD`, UTC), inclusive.
    public var toDate: String?
    /// A substring of the model name.
    public var modelName: String?
    /// Only rows in this state.
    public var status: Status?
    /// The sort key.
    public var sortBy: SortKey?
    /// True for ascending order (the service's default is descending).
    public var ascending: Bool?

    /// Creates a query.
    public init(
        page: Int = 1, perPage: Int = 20, fromDate: String? = nil, toDate: String? = nil, modelName: String? = nil, status: Status? = nil,
        sortBy: SortKey? = nil, ascending: Bool? = nil
    ) {
        (self.page, self.perPage) = (page, perPage)
        (self.fromDate, self.toDate) = (fromDate, toDate)
        (self.modelName, self.status) = (modelName, status)
        (self.sortBy, self.ascending) = (sortBy, ascending)
    }

    /// Checks the values the service would refuse.
    ///
    /// - Throws: `SegmindError.configuration` naming the parameter and the problem.
    public func validate() throws {
        guard page >= 1 else { throw SegmindError.configuration("history page \(page): pages count from 1") }
        guard (1...Self.maxPerPage).contains(perPage) else {
            throw SegmindError.configuration("history per_page \(perPage): must be from 1 to \(Self.maxPerPage)")
        }
        let from = try fromDate.map { try Self.day($0, name: "from_date") }
        let to = try toDate.map { try Self.day($0, name: "to_date") }
        if let from, let to {
            guard from <= to else { throw SegmindError.configuration("history from_date \(fromDate ?? "") is after to_date \(toDate ?? "")") }
            guard to - from <= Self.maxSpanDays else {
                throw SegmindError.configuration(
                    "history from_date \(fromDate ?? "") to to_date \(toDate ?? ""): \(to - from) days apart, at most \(Self.maxSpanDays) allowed")
            }
        }
    }

    /// The query items, in a fixed order.
    var items: [URLQueryItem] {
        var items = [URLQueryItem(name: "page", value: String(page)), URLQueryItem(name: "per_page", value: String(perPage))]
        let optional: [(String, String?)] = [
            ("from_date", fromDate), ("to_date", toDate), ("model_name", modelName), ("status", status?.rawValue), ("sort_by", sortBy?.rawValue),
            ("sort_order", ascending.map { $0 ? "asc" : "desc" }),
        ]
        for (name, value) in optional { if let value { items.append(URLQueryItem(name: name, value: value)) } }
        return items
    }

    /// The day number (days since 1970-01-01) of a `YYYY-MM-DD` date.
    ///
    /// - Throws: `SegmindError.configuration` when `text` is not a real calendar date in that form.
    public static func day(_ text: String, name: String) throws -> Int {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y)
        else { throw SegmindError.configuration("history \(name) '\(text)' is not a date in the form YYYY-MM-DD") }
        // Days from civil (proleptic Gregorian), H. Hinnant's algorithm.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return era * 146097 + (yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719468
    }

    /// `YYYY-MM-DD` (UTC) of a time in seconds since 1970.
    public static func date(of seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }
}
