import Foundation

/// `report.md`: the run as Markdown tables, with the frames as image links, and every QA finding.
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
        let findings = r.findingLines
        lines += findings.isEmpty ? ["No findings: every shot passed the QA checks.", ""] : ["## Findings", ""] + findings.map { "- " + $0 } + [""]
        lines.append("| shot | model | duration | cost | request | first frame | last frame | colour | drift dE | final drift dE | checks |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for s in r.shots {
            let d = s.durationSeconds.map { String(format: "%.3f s", $0) } ?? "-"
            let c = s.costUSD.map { "$" + money($0) } ?? "-"
            let checks = s.checks.map { "\($0.name): expected \($0.expected), got \($0.actual)" }.joined(separator: "<br>")
            let colour = (s.colorMatch ?? "-") + (s.colorStrength.map { $0 < 1 ? String(format: " %.2f", $0) : "" } ?? "")
            lines.append(
                "| \(s.id) | \(s.model) | \(d) | \(c) | \(s.requestID ?? "-") | ![](\(s.firstFrame)) | ![](\(s.lastFrame)) | \(colour) | \(number(s.driftDeltaE)) | \(number(s.finalDriftDeltaE)) | \(checks) |"
            )
        }
        lines += ["", "| seam | PSNR | dE | trimmed head | trimmed tail | difference ratio | frames |", "|---|---|---|---|---|---|---|"]
        for s in r.seams {
            let psnr = s.psnr.map { $0.isInfinite ? "identical" : String(format: "%.1f dB", $0) } ?? "-"
            let frames = s.fromFrame.flatMap { from in s.toFrame.map { "![](\(from)) ![](\($0))" } } ?? "-"
            lines.append(
                "| \(s.from) → \(s.to) | \(psnr) | \(number(s.deltaE)) | \(s.trimmedHead.map(String.init) ?? "-") | \(s.trimmedTail.map(String.init) ?? "-") | \(number(s.differenceRatio)) | \(frames) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func number(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
}
