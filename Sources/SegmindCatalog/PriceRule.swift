import Foundation

/// How much a job costs.
public struct PriceRule: Sendable, Equatable, Codable {
    /// A flat price per generation in US dollars, when the price does not depend on parameters.
    public var usd: Double?
    /// Per-second rates: the price is `duration` seconds times the first matching rate.
    public var perSecond: PerSecondPrice?
    /// The lowest and highest price published for the model.
    public var rangeUSD: [Double]?
    /// Where the numbers come from and what is estimated.
    public var note: String?

    /// The estimated price of a request with these (already normalised) parameters, when it can be computed.
    public func estimate(_ parameters: [String: JSONValue], defaults: [String: JSONValue]) -> Double? {
        if let usd { return usd }
        guard let perSecond else { return nil }
        func value(_ key: String) -> JSONValue? { parameters[key] ?? defaults[key] }
        guard let d = value(perSecond.parameter), let seconds = Self.number(d) else { return nil }
        for rate in perSecond.rates {
            let matches = rate.when.allSatisfy { key, expected in
                guard let actual = value(key) else { return false }
                return Self.same(actual, expected)
            }
            if matches { return (seconds * rate.usdPerSecond * 1000).rounded() / 1000 }
        }
        return nil
    }

    /// A number, or a string holding one ("5"); nil otherwise.
    public static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let n): return n
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    /// Whether two values are equal, a boolean matching its string form ("true").
    public static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        if case .string(let s) = a, case .bool(let x) = b { return s == String(x) }
        if case .string(let s) = b, case .bool(let x) = a { return s == String(x) }
        return false
    }

    enum CodingKeys: String, CodingKey {
        case usd
        case perSecond = "per_second"
        case rangeUSD = "range_usd"
        case note
    }
}

/// A per-second price table keyed by parameter values.
public struct PerSecondPrice: Sendable, Equatable, Codable {
    /// The parameter holding the duration in seconds.
    public var parameter: String
    /// Rates tried in order; the first whose `when` matches applies.
    public var rates: [Rate]

    /// One rate.
    public struct Rate: Sendable, Equatable, Codable {
        /// Parameter values this rate applies to (an empty object matches everything).
        public var when: [String: JSONValue]
        /// US dollars per second of output.
        public var usdPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case when
            case usdPerSecond = "usd_per_second"
        }
    }
}
