import Foundation

/// `report.md`: the run as Markdown tables, with the frames as image links.
enum ReportMarkdown {
    /// The report as Markdown.
    static func render(_ r: ChainReport) -> String {
        var lines = ["# Chain report", "", "Storyboard: `\(r.storyboard)`; spent $\(money(r.spentUSD)).", ""]
        if let final = r.final {
            let d = r.finalDurationSeconds.map { String(format: "%.3f s", $0) } ?? "-"
            lines += ["Assembled video: `\(final)`, \(r.finalFrames.map(String.init) ?? "-") frames, \(d).", ""]
            for s in r.assembly ?? [] {
                lines.append("- \(s.file): \(s.video)\(s.reason.map { " (\($0))" } ?? ""), \(s.framesIn) -> \(s.framesOut) frames")
            }
            lines.append("")
        }
        lines.append("| shot | model | duration | cost | request | first frame | last frame | checks |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for s in r.shots {
            let d = s.durationSeconds.map { String(format: "%.3f s", $0) } ?? "-"
            let c = s.costUSD.map { "$" + money($0) } ?? "-"
            let checks = s.checks.map { "\($0.name): expected \($0.expected), got \($0.actual)" }.joined(separator: "<br>")
            lines.append("| \(s.id) | \(s.model) | \(d) | \(c) | \(s.requestID ?? "-") | ![](\(s.firstFrame)) | ![](\(s.lastFrame)) | \(checks) |")
        }
        lines += ["", "| seam | PSNR |", "|---|---|"]
        for s in r.seams {
            lines.append("| \(s.from) → \(s.to) | \(s.psnr.map { $0.isInfinite ? "identical" : String(format: "%.1f dB", $0) } ?? "-") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
