import Foundation
import MediaTestSupport
import Testing

/// What the probe script found in the page Chromium loaded.
private struct PageProbe: Decodable {
    var images: Int
    var decoded: Int
    var widths: [Int]
    var video: String?
    var videoElements: Int
    var svg: Int
    var circles: Int
}

/// The script added to the test's copy of the page: once loaded, it writes what it sees as JSON into `<pre id="probe">`.
private let probeScript = """
    <script>
    window.addEventListener('load', () => {
      const images = [...document.images];
      const video = document.querySelector('video');
      const probe = document.createElement('pre');
      probe.id = 'probe';
      probe.textContent = JSON.stringify({
        images: images.length,
        decoded: images.filter(i => i.complete && i.naturalWidth > 0).length,
        widths: images.map(i => i.naturalWidth),
        video: video ? video.getAttribute('src') : null,
        videoElements: document.querySelectorAll('video').length,
        svg: document.querySelectorAll('svg').length,
        circles: document.querySelectorAll('svg circle').length
      });
      document.body.appendChild(probe);
    });
    </script>
    """

/// Chromium from the PATH (Debian's `chromium`, installed by `scripts/setup.sh`).
private func chromiumExecutable() throws -> String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        for name in ["chromium", "chromium-browser"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    Issue.record("chromium is not installed: run scripts/setup.sh (it installs Debian's chromium package)")
    throw CancellationError()
}

/// Opens `page` in headless Chromium once: the DOM after load (scripts run) and a screenshot at `screenshot`.
private func openInChromium(_ page: URL, screenshot: String, profile: URL) throws -> String {
    let run = try runProcess(
        try chromiumExecutable(),
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--window-size=1280,1800",
            "--dump-dom", "--screenshot=\(screenshot)", page.absoluteString,
        ])
    return run.stdoutText
}

/// The number of distinct colours of a PNG, decoded by the ffmpeg CLI.
private func distinctColours(_ png: String) throws -> Int {
    let raw = try runProcess("/usr/bin/ffmpeg", ["-v", "error", "-nostdin", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]).stdout
    let bytes = [UInt8](raw)
    var colours = Set<Int>()
    for i in stride(from: 0, to: bytes.count - 2, by: 3) { colours.insert(Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])) }
    return colours.count
}

@Test func chainWritesAReportPageThatChromiumRendersWithTheVideoTheFramesAndTheChart() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-page-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets/storyboards/demo.yaml")
    try FileManager.default.copyItem(at: demo, to: dir.appendingPathComponent("demo.yaml"))
    try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("demo-start.png").path])
    try ffmpeg(["-f", "lavfi", "-i", "color=c=orange:s=640x360", "-frames:v", "1", dir.appendingPathComponent("demo-end.png").path])
    let out = dir.appendingPathComponent("out")
    let run = try runProcess(
        try shotchainExecutable(), ["chain", "demo.yaml", "--simulate", "--out", out.path, "--progress", "never", "--hold", "2"],
        currentDirectory: dir, check: false)
    #expect(run.status == 0, "\(run.stderrText)")
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("<video controls preload=\"metadata\" src=\"final.mp4\"></video>"))

    // The test's copy of the page, next to the original so the relative media paths resolve the same way.
    let page = out.appendingPathComponent("report-probe.html")
    try html.replacingOccurrences(of: "</body>", with: probeScript + "\n</body>").write(to: page, atomically: true, encoding: .utf8)
    let screenshot = dir.appendingPathComponent("screenshot.png").path
    let started = Date()
    let dom = try openInChromium(page, screenshot: screenshot, profile: dir.appendingPathComponent("profile"))
    let seconds = Date().timeIntervalSince(started)
    #expect(seconds < 20, "Chromium took \(seconds) s")
    let start = try #require(dom.range(of: "<pre id=\"probe\">"), "no probe in the DOM: \(dom.prefix(500))")
    let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
    let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    let probe = try JSONDecoder().decode(PageProbe.self, from: Data(json.utf8))
    #expect(probe.videoElements == 1)
    #expect(probe.video == "final.mp4")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("final.mp4").path))
    // Three shots' first and last frames and two seams' two frames, all decoded at 320 px.
    #expect(probe.images == 10)
    #expect(probe.decoded == probe.images, "\(probe.widths)")
    #expect(probe.widths.allSatisfy { $0 == 320 }, "\(probe.widths)")
    #expect(probe.svg == 1)
    // The screenshot shows the page, not a blank window: the frames alone bring hundreds of colours.
    let colours = try distinctColours(screenshot)
    #expect(colours > 500, "\(colours) colours")
}
