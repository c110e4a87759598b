import Foundation
import Segmind

/// Plain-text renderings of catalog entries.
enum ModelText {
    static func price(_ model: ModelSpec) -> String {
        if let usd = model.price.usd { return String(format: "$%.3f", usd) }
        if let r = model.price.rangeUSD, r.count == 2 { return String(format: "$%.2f-%.2f", r[0], r[1]) }
        return "?"
    }

    static func table(_ models: [ModelSpec]) -> String {
        let width = max(4, models.map(\.slug.count).max() ?? 4)
        var lines = ["SLUG".padding(toLength: width, withPad: " ", startingAt: 0) + "  RETURNS  LATENCY  PRICE        SUMMARY"]
        for m in models {
            lines.append(
                m.slug.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + m.returns.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                    + "  " + "~\(Int(m.typicalLatencySeconds)) s".padding(toLength: 7, withPad: " ", startingAt: 0) + "  "
                    + price(m).padding(toLength: 11, withPad: " ", startingAt: 0) + "  " + m.summary)
        }
        return lines.joined(separator: "\n")
    }

    static func detail(_ m: ModelSpec) -> String {
        var lines = [
            "\(m.slug): \(m.title)", m.summary, "returns: \(m.returns.rawValue)",
            "typical latency: ~\(Int(m.typicalLatencySeconds)) s; polling every \(JSONValueText.number(m.pollIntervalSeconds)) s, deadline \(Int(m.deadlineSeconds)) s",
            "price: \(price(m))" + (m.price.note.map { " (\($0))" } ?? ""), "parameters:",
        ]
        for p in m.parameters {
            var line = "  \(p.name) (\(p.type.rawValue)\(p.role.map { ", role \($0.rawValue)" } ?? "")\(p.required ? ", required" : ""))"
            if let d = p.default { line += " default \(d.jsonText)" }
            if let a = p.allowed { line += " allowed: \(a.map { $0.stringValue ?? $0.jsonText }.joined(separator: ", "))" }
            lines.append(line)
            lines.append("      \(p.description)")
        }
        if let i = m.inputLimits.image {
            lines.append(
                "image inputs: \(i.formats.joined(separator: "/")), <= \(i.maxBytes / 1_048_576) MB, >= \(i.minSide) px, aspect 1:2.5 to 2.5:1")
        }
        if let v = m.inputLimits.video {
            lines.append(
                "video inputs: \(v.formats.joined(separator: "/")), \(JSONValueText.number(v.minSeconds))-\(JSONValueText.number(v.maxSeconds)) s, \(v.minSide)-\(v.maxSide) px, \(JSONValueText.number(v.minFPS))-\(JSONValueText.number(v.maxFPS)) fps, <= \(v.maxBytes / 1_048_576) MB"
            )
        }
        if let source = m.source { lines.append("source: \(source)") }
        return lines.joined(separator: "\n")
    }
}

/// Number formatting without a trailing ".0".
enum JSONValueText {
    static func number(_ n: Double) -> String {
        n.rounded() == n ? String(Int(n)) : String(n)
    }
}
