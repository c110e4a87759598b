import Foundation
import Storyboard

/// The lines `chain` prints when done: each shot's file, each seam, every QA finding, where the reports are.
enum ChainSummary {
    /// Prints the summary of `report`, whose files are in `outDir`.
    static func print(_ report: ChainReport, outDir: String) {
        for s in report.shots {
            Swift.print("\(s.id): \(outDir)/\(s.file) (request \(s.requestID ?? "-"), $\(s.costUSD.map { String($0) } ?? "?"))")
        }
        for s in report.seams {
            var line = "seam \(s.from) -> \(s.to): PSNR \(s.psnr.map { String(format: "%.1f dB", $0) } ?? "n/a")"
            if let d = s.deltaE { line += String(format: ", dE %.2f", d) }
            if let head = s.trimmedHead, let tail = s.trimmedTail, head + tail > 0 { line += ", trimmed \(head) head + \(tail) tail" }
            Swift.print(line)
        }
        for line in report.findingLines { Swift.print("finding: " + line) }
        if let final = report.final { Swift.print("video: \(outDir)/\(final)") }
        Swift.print("report: \(outDir)/report.html, \(outDir)/report.json, \(outDir)/report.md")
    }
}
