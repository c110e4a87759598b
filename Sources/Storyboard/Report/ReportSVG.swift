import Foundation

/// The drift chart of `report.html`: every shot's colour difference to the anchor (CIE76 dE of the mean Lab of its
/// last frame against the anchor's first), as generated and in the assembled video, as an inline SVG line chart.
///
/// One point per shot, left to right in storyboard order; a shot without a value leaves a gap in its line.
enum ReportSVG {
    /// One line of the chart.
    struct Series {
        /// The legend text.
        var name: String
        /// The stroke colour (CSS).
        var colour: String
        /// One value per shot, nil where there is none.
        var values: [Double?]
    }

    /// The chart's size and the plot's margins inside it, in pixels.
    static let (width, height) = (640.0, 260.0)
    static let margin = (left: 48.0, right: 16.0, top: 28.0, bottom: 40.0)

    /// The chart of `shots`' `drift_delta_e` and `final_drift_delta_e`.
    static func driftChart(_ shots: [ShotOutcome]) -> String {
        chart(
            labels: shots.map(\.id),
            series: [
                Series(name: "as generated", colour: "#d9480f", values: shots.map(\.driftDeltaE)),
                Series(name: "in the final video", colour: "#1864ab", values: shots.map(\.finalDriftDeltaE)),
            ])
    }

    /// A line chart of `series` over the points named `labels`, from 0 to a round maximum.
    static func chart(labels: [String], series: [Series]) -> String {
        let values = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        let maximum = niceMaximum(values.max() ?? 0)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let count = max(labels.count, 1)
        func x(_ i: Int) -> Double { margin.left + (count == 1 ? plotWidth / 2 : plotWidth * Double(i) / Double(count - 1)) }
        func y(_ v: Double) -> Double { margin.top + plotHeight * (1 - min(max(v, 0), maximum) / maximum) }
        var parts = [
            ##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(n(width)) \##(n(height))" width="\##(n(width))" height="\##(n(height))" role="img" aria-label="colour drift against the anchor per shot">"##,
            ##"<rect x="0" y="0" width="\##(n(width))" height="\##(n(height))" fill="#ffffff"/>"##,
        ]
        for step in 0...4 {
            let v = maximum * Double(step) / 4
            parts.append(
                ##"<line x1="\##(n(margin.left))" y1="\##(n(y(v)))" x2="\##(n(width - margin.right))" y2="\##(n(y(v)))" stroke="#dee2e6"/>"##)
            parts.append(
                ##"<text x="\##(n(margin.left - 6))" y="\##(n(y(v) + 4))" text-anchor="end" font-size="11">\##(String(format: "%.1f", v))</text>"##)
        }
        parts.append(##"<text x="12" y="\##(n(margin.top - 12))" font-size="11">dE to the anchor</text>"##)
        for (i, label) in labels.enumerated() {
            parts.append(
                ##"<text x="\##(n(x(i)))" y="\##(n(height - margin.bottom + 16))" text-anchor="middle" font-size="11">\##(ReportHTML.escape(label))</text>"##
            )
        }
        for (k, line) in series.enumerated() {
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    parts.append(##"<polyline fill="none" stroke="\##(line.colour)" stroke-width="2" points="\##(run.joined(separator: " "))"/>"##)
                }
                run = []
            }
            for (i, value) in line.values.enumerated() {
                guard let value, value.isFinite else {
                    flush()
                    continue
                }
                run.append("\(n(x(i))),\(n(y(value)))")
                let tip = ReportHTML.escape("\(labels.indices.contains(i) ? labels[i] : "?") \(line.name): \(String(format: "%.2f", value))")
                parts.append(##"<circle cx="\##(n(x(i)))" cy="\##(n(y(value)))" r="3.5" fill="\##(line.colour)"><title>\##(tip)</title></circle>"##)
            }
            flush()
            let legendX = margin.left + 150 * Double(k) + 110
            parts.append(##"<rect x="\##(n(legendX))" y="\##(n(margin.top - 21))" width="14" height="4" fill="\##(line.colour)"/>"##)
            parts.append(##"<text x="\##(n(legendX + 20))" y="\##(n(margin.top - 15))" font-size="11">\##(ReportHTML.escape(line.name))</text>"##)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for nothing above 0).
    static func niceMaximum(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        return [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= value - 1e-12 } ?? 10 * power
    }

    /// A coordinate with one decimal.
    private static func n(_ v: Double) -> String { String(format: "%.1f", v) }
}
