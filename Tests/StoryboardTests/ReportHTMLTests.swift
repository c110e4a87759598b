import Foundation
import MediaKit
import MediaTestSupport
import Testing

@testable import Storyboard

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Every `src="data:image/png;base64,..."` of a page, decoded.
func inlinePNGs(_ html: String) -> [Data] {
    html.components(separatedBy: "src=\"data:image/png;base64,").dropFirst().compactMap { part in
        Data(base64Encoded: String(part.prefix { $0 != "\"" }))
    }
}

/// The value of every `name="..."` attribute of a page, unescaped as far as the report escapes.
func attributes(_ name: String, in html: String) -> [String] {
    html.components(separatedBy: " \(name)=\"").dropFirst().map { part in
        String(part.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Whether `text` is well-formed XML (the SVG chart must be, to render inline).
func isWellFormedXML(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
}

/// A report with one of everything: two shots (one with hostile strings and findings), a seam, no frames on disk.
func sampleReport() -> ChainReport {
    let check = VerificationCheck(name: "duration", expected: "3 s <img onerror=x>", actual: "3.04 s & more", passed: false)
    var a = ShotOutcome(
        id: "a<b>&\"c'", model: "kling-o3", file: "shots/a b#1.mp4", firstFrame: "frames/missing-first.png", lastFrame: "frames/missing-last.png",
        durationSeconds: 3.0417, costUSD: 0.63, requestID: "req-<1>", checks: [check])
    a.driftDeltaE = 0
    a.finalDriftDeltaE = 0
    a.findings = [ShotFinding(kind: .frozen, startSeconds: 1, endSeconds: 1.75)]
    a.held = HeldFrames(head: 3, tail: 0)
    a.colorMatch = "anchor"
    a.colorStrength = 1
    let b = ShotOutcome(
        id: "second", model: "kling-o3", file: "shots/second.mp4", firstFrame: "f.png", lastFrame: "l.png", durationSeconds: nil, costUSD: nil,
        requestID: nil, checks: [])
    let seam = SeamOutcome(from: a.id, to: b.id, psnr: .infinity)
    return ChainReport(
        storyboard: "<script>alert(1)</script>.yaml", shots: [a, b], seams: [seam], spentUSD: 0.63, final: "final.mp4", finalFrames: 145,
        finalDurationSeconds: 6.042)
}

@Suite("report.html")
struct ReportHTMLTests {
    @Test("Every string from the run is escaped; nothing the run wrote becomes markup")
    func escapesEverything() throws {
        let html = ReportHTML.render(sampleReport(), outDirectory: "/nonexistent")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img onerror"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("req-<1>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.yaml"))
        #expect(html.contains("<h3>a&lt;b&gt;&amp;&quot;c&#39; <span class=\"bad\">1 finding(s)</span></h3>"))
        #expect(html.contains("expected 3 s &lt;img onerror=x&gt;, got 3.04 s &amp; more"))
        #expect(html.contains("<li class=\"bad\">frozen from 1.000 s to 1.750 s</li>"))
        #expect(html.contains("<tr><th>held frames</th><td>head 3, tail 0</td></tr>"))
        #expect(html.contains("<tr><th>colour match</th><td>anchor, strength 1.00</td></tr>"))
        // Paths are percent-encoded in links.
        #expect(html.contains("<a href=\"shots/a%20b%231.mp4\">shots/a b#1.mp4</a>"))
        #expect(html.contains("<video controls preload=\"metadata\" src=\"final.mp4\"></video>"))
    }

    @Test("A value the report does not have is shown as -, a frame that cannot be read as a placeholder, not a broken image")
    func missingValues() throws {
        let html = ReportHTML.render(sampleReport(), outDirectory: "/nonexistent")
        #expect(html.contains("<tr><th>duration</th><td>-</td></tr>"))
        #expect(html.contains("<tr><th>cost</th><td>-</td></tr>"))
        #expect(html.contains("<tr><th>request</th><td>-</td></tr>"))
        #expect(html.contains("<tr><th>colour match</th><td>-</td></tr>"))
        #expect(html.contains("<tr><th>drift (dE to the anchor)</th><td>as generated -, in the final video -</td></tr>"))
        #expect(html.contains("<tr><th>colour difference (dE)</th><td>-</td></tr>"))
        #expect(html.contains("<tr><th>PSNR</th><td>identical</td></tr>"))
        #expect(html.contains("<tr><th>frames trimmed</th><td>-; -</td></tr>"))
        #expect(!html.contains("This report has no drift values."))
        var none = sampleReport()
        none.shots[0].driftDeltaE = nil
        none.shots[0].finalDriftDeltaE = nil
        #expect(ReportHTML.render(none, outDirectory: "/nonexistent").contains("<p>This report has no drift values.</p>"))
        #expect(!html.contains("<img"))
        #expect(html.components(separatedBy: "<div class=\"missing\">-</div>").count - 1 == 6)
    }

    @Test("The page loads nothing from the network: no external style sheet, script, font or image")
    func selfContained() throws {
        let html = ReportHTML.render(sampleReport(), outDirectory: "/nonexistent")
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http:") && !withoutNamespace.contains("https:") && !withoutNamespace.contains("//"))
        for token in ["<link", "<script", "@import", "url(", "<iframe", "<object"] { #expect(!html.contains(token), "\(token)") }
        for value in attributes("src", in: html) + attributes("href", in: html) {
            #expect(value.hasPrefix("data:image/png;base64,") || !value.contains(":"), "\(value)")
        }
    }

    @Test("Drift chart: one point per value, a line per unbroken run, y from 0 to a round maximum, well-formed SVG")
    func driftChart() throws {
        let svg = ReportSVG.chart(
            labels: ["a", "b", "c<", "d"],
            series: [
                ReportSVG.Series(name: "as generated", colour: "#d9480f", values: [0, 1.2, nil, 3.4]),
                ReportSVG.Series(name: "final", colour: "#1864ab", values: [0, 0.3, 0.4, 0.5]),
            ])
        #expect(isWellFormedXML(svg))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 7)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">c&lt;</text>"))
        // The axis tops out at 5 (the round value above 3.4): 0 at the bottom of the plot (y 220), 5 at its top (y 28).
        #expect(svg.contains(">5.0</text>") && svg.contains(">0.0</text>"))
        #expect(svg.contains(#"points="48.0,220.0 240.0,173.9""#))
        #expect(svg.contains(#"<circle cx="624.0" cy="89.4""#))
        #expect(ReportSVG.niceMaximum(0) == 1 && ReportSVG.niceMaximum(0.7) == 1 && ReportSVG.niceMaximum(1.2) == 2)
        #expect(ReportSVG.niceMaximum(2.1) == 2.5 && ReportSVG.niceMaximum(3.4) == 5 && ReportSVG.niceMaximum(7) == 10)
        #expect(ReportSVG.niceMaximum(12) == 20 && ReportSVG.niceMaximum(.infinity) == 1)
    }

    @Test("A chain on the simulator writes report.html: the final video, shot links that exist, every frame inlined as a 320 px PNG")
    func writtenByAChain() async throws {
        let (plan, dir) = try threeShotPlan()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let report = try await withSimulator { _, client in
            try await ChainRunner(plan: plan, client: client, options: ChainOptions(outDirectory: out, pollInterval: 0.05)).run()
        }
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(attributes("src", in: html).filter { !$0.hasPrefix("data:") } == ["final.mp4"])
        let links = attributes("href", in: html)
        #expect(Set(links) == Set(["final.mp4"] + report.shots.map(\.file)))
        for link in links { #expect(FileManager.default.fileExists(atPath: out + "/" + link), "\(link)") }
        // First and last frames of three shots, the two frames of two seams.
        let pictures = inlinePNGs(html)
        #expect(pictures.count == 10)
        for (i, png) in pictures.enumerated() {
            let path = dir.appendingPathComponent("inline-\(i).png").path
            try png.write(to: URL(fileURLWithPath: path))
            let image = try ImageFile.read(path)
            #expect(image.width == 320 && image.height == 180, "picture \(i): \(image.width)x\(image.height)")
        }
        // The seam's two pictures are the earlier shot's last frame and the later one's first, scaled down.
        let lastOfA = try ImageFile.read(out + "/" + report.shots[0].lastFrame).resized(width: 320, height: 180, mode: .stretch)
        let seamPath = dir.appendingPathComponent("inline-6.png").path
        #expect((try ImageFile.read(seamPath).psnr(lastOfA) ?? 0) > 40)
    }
}
