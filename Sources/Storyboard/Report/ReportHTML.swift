import Foundation

/// `report.html`: the run as one self-contained page (no network: no external style sheet, script or font).
///
/// The assembled video plays in a `<video>` element and the shots' videos are linked, all by paths relative to the
/// out folder (the page lives in it); the frames are inlined as small PNG data URIs (320 px wide): each shot's first
/// and last frames and, per seam, the two frames that meet. Per shot: take, checks, findings, cost, request id,
/// colour match and drift; per seam: dE, PSNR, trimmed frames and difference ratio; the drift of every shot against
/// the anchor as an inline SVG chart (``ReportSVG``). A value the report does not have is shown as "-". Every text
/// from the run (shot ids, paths, messages) is escaped.
enum ReportHTML {
    /// The page for `report`, reading the frames it names from `outDirectory`.
    static func render(_ report: ChainReport, outDirectory: String) -> String {
        var page = Page(outDirectory: outDirectory)
        return page.render(report)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references (safe in text and quoted attributes).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A path relative to the page as an escaped URL attribute value (each segment percent-encoded).
    static func link(_ relative: String) -> String {
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#;"))) ?? ""
        }
        return escape(segments.joined(separator: "/"))
    }

    /// A number with `digits` decimals, or "-".
    static func number(_ value: Double?, _ digits: Int = 2, unit: String = "") -> String {
        guard let value else { return "-" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)f", value) + unit
    }

    /// One rendering: the out folder and the thumbnails made so far (a frame used twice is encoded once).
    private struct Page {
        let outDirectory: String
        var thumbnails: [String: String?] = [:]

        init(outDirectory: String) { self.outDirectory = outDirectory }

        mutating func render(_ r: ChainReport) -> String {
            var body = [
                "<h1>Chain report</h1>",
                "<p>Storyboard <code>\(escape(r.storyboard))</code>: \(r.shots.count) shots, \(r.seams.count) seams, spent $\(money(r.spentUSD)).</p>",
            ]
            body += finalVideo(r)
            let measured = r.shots.contains { $0.driftDeltaE != nil || $0.finalDriftDeltaE != nil }
            body += ["<section id=\"drift\">", "<h2>Colour drift against the anchor</h2>", ReportSVG.driftChart(r.shots)]
            body += (measured ? [] : ["<p>This report has no drift values.</p>"]) + ["</section>"]
            body += ["<section id=\"shots\">", "<h2>Shots</h2>"] + r.shots.flatMap { shot($0) } + ["</section>"]
            body += ["<section id=\"seams\">", "<h2>Seams</h2>"]
            body += r.seams.isEmpty ? ["<p>No seams.</p>"] : r.seams.flatMap { seam($0, shots: r.shots) }
            body.append("</section>")
            return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Chain report: \(escape(r.storyboard))</title>
                <style>\(ReportHTML.style)</style>
                </head>
                <body>
                \(body.joined(separator: "\n"))
                </body>
                </html>

                """
        }

        private func finalVideo(_ r: ChainReport) -> [String] {
            guard let final = r.final else { return ["<section id=\"final\"><h2>Final video</h2><p>No video was assembled.</p></section>"] }
            var lines = [
                "<section id=\"final\">", "<h2>Final video</h2>",
                "<video controls preload=\"metadata\" src=\"\(link(final))\"></video>",
                "<p><a href=\"\(link(final))\">\(escape(final))</a>: \(r.finalFrames.map(String.init) ?? "-") frames, "
                    + "\(number(r.finalDurationSeconds, 3, unit: " s")).</p>",
            ]
            if let assembly = r.assembly, !assembly.isEmpty {
                lines.append("<ul class=\"assembly\">")
                for s in assembly {
                    let reason = s.reason.map { " (\(escape($0)))" } ?? ""
                    lines.append("<li>\(escape(s.shot)): \(escape(s.video))\(reason), \(s.framesIn) to \(s.framesOut) frames</li>")
                }
                lines.append("</ul>")
            }
            return lines + ["</section>"]
        }

        private mutating func shot(_ s: ShotOutcome) -> [String] {
            let findings = s.findings ?? []
            let badge =
                s.findings == nil
                ? "" : findings.isEmpty ? " <span class=\"ok\">clean</span>" : " <span class=\"bad\">\(findings.count) finding(s)</span>"
            let takes = s.takes.isEmpty ? "\(s.take)" : "\(s.take) of \(s.takes.count)"
            let strength = s.colorStrength.map { ", strength \(number($0))" } ?? ""
            let held = s.held.map { "head \($0.head), tail \($0.tail)" } ?? "-"
            var lines = [
                "<article class=\"shot\" id=\"shot-\(escape(s.id))\">", "<h3>\(escape(s.id))\(badge)</h3>",
                "<div class=\"frames\">", figure(s.firstFrame, caption: "first frame"), figure(s.lastFrame, caption: "last frame"), "</div>",
                "<table class=\"facts\">",
                row("video", "<a href=\"\(link(s.file))\">\(escape(s.file))</a>"),
                row("model", escape(s.model)),
                row("take", takes),
                row("duration", number(s.durationSeconds, 3, unit: " s")),
                row("cost", s.costUSD.map { "$" + money($0) } ?? "-"),
                row("request", escape(s.requestID ?? "-")),
                row("colour match", escape(s.colorMatch ?? "-") + strength),
                row("drift (dE to the anchor)", "as generated \(number(s.driftDeltaE)), in the final video \(number(s.finalDriftDeltaE))"),
                row("held frames", held),
                "</table>", "<h4>Checks</h4>", "<ul class=\"checks\">",
            ]
            if s.checks.isEmpty { lines.append("<li>-</li>") }
            for c in s.checks {
                let mark = c.passed ? "ok" : "bad"
                lines.append("<li class=\"\(mark)\">\(escape(c.name)): expected \(escape(c.expected)), got \(escape(c.actual))</li>")
            }
            lines += ["</ul>", "<h4>Findings</h4>", "<ul class=\"findings\">"]
            if findings.isEmpty { lines.append(s.findings == nil ? "<li>-</li>" : "<li class=\"ok\">none</li>") }
            for f in findings {
                lines.append(
                    "<li class=\"bad\">\(escape(f.kind.rawValue)) from \(number(f.startSeconds, 3)) s to \(number(f.endSeconds, 3)) s</li>")
            }
            return lines + ["</ul>", "</article>"]
        }

        private mutating func seam(_ s: SeamOutcome, shots: [ShotOutcome]) -> [String] {
            let from = s.fromFrame ?? shots.first { $0.id == s.from }?.lastFrame
            let to = s.toFrame ?? shots.first { $0.id == s.to }?.firstFrame
            let psnr = s.psnr.map { $0.isInfinite ? "identical" : number($0, 1, unit: " dB") } ?? "-"
            let head = s.trimmedHead.map { "\($0) of \(escape(s.to))'s head" } ?? "-"
            let tail = s.trimmedTail.map { "\($0) of \(escape(s.from))'s tail" } ?? "-"
            return [
                "<article class=\"seam\">", "<h3>\(escape(s.from)) &#8594; \(escape(s.to))</h3>",
                "<div class=\"frames\">", figure(from, caption: "\(s.from): last frame"), figure(to, caption: "\(s.to): first frame"), "</div>",
                "<table class=\"facts\">",
                row("colour difference (dE)", number(s.deltaE)),
                row("PSNR", psnr),
                row("frames trimmed", "\(head); \(tail)"),
                row("difference ratio", number(s.differenceRatio)),
                "</table>", "</article>",
            ]
        }

        /// A frame of the out folder as an inline thumbnail with a caption ("-" when there is none or it cannot be read).
        private mutating func figure(_ relative: String?, caption: String) -> String {
            let image = relative.flatMap { thumbnail($0) }
            let picture =
                image.map { "<img src=\"\($0)\" alt=\"\(escape(caption))\">" } ?? "<div class=\"missing\">-</div>"
            return "<figure>\(picture)<figcaption>\(escape(caption))</figcaption></figure>"
        }

        private mutating func thumbnail(_ relative: String) -> String? {
            if let known = thumbnails[relative] { return known }
            let made = ReportThumbnail.dataURI((outDirectory as NSString).appendingPathComponent(relative))
            thumbnails[relative] = made
            return made
        }

        private func row(_ name: String, _ html: String) -> String { "<tr><th>\(escape(name))</th><td>\(html)</td></tr>" }
    }

    /// The page's style sheet (inline: the page loads nothing).
    static let style = """
        body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#212529;background:#f8f9fa}
        h1{margin-bottom:4px}section{margin:28px 0}video{width:100%;max-width:960px;background:#000}
        article{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:12px 16px;margin:14px 0}
        .frames{display:flex;gap:12px;flex-wrap:wrap}figure{margin:0}figure img{display:block;width:320px;max-width:100%;border:1px solid #ced4da}
        figcaption{font-size:12px;color:#495057}.missing{width:320px;height:60px;display:flex;align-items:center;justify-content:center;background:#e9ecef}
        table.facts{border-collapse:collapse;margin-top:10px}table.facts th{text-align:left;padding:2px 12px 2px 0;font-weight:600}
        table.facts td{padding:2px 0}.ok{color:#2b8a3e}.bad{color:#c92a2a;font-weight:600}span.ok,span.bad{font-size:14px;margin-left:8px}
        svg.chart{background:#fff;border:1px solid #dee2e6;max-width:100%;height:auto}code{background:#e9ecef;padding:1px 4px}
        """
}
