import Foundation
import MediaTestSupport
import Testing

/// `shotchain` copied out of the build folder, as `scripts/install.sh` installs it: it must carry its presets.
@Suite struct InstalledBinaryTests {
    /// The checkout's `presets/` folder, the source of the embedded files.
    static let presetsSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets")
        .standardizedFileURL

    /// Every file under `presets/` that is embedded (all but the target's Swift source and README), relative paths.
    static func sourcePresetFiles() throws -> [String] {
        try files(under: presetsSource).filter { $0 != "Presets.swift" && $0 != "README.md" }
    }

    /// The regular files under `root`, as sorted relative paths.
    static func files(under root: URL) throws -> [String] {
        let walker = try #require(FileManager.default.enumerator(atPath: root.path))
        return walker.compactMap { $0 as? String }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted()
    }

    /// A private folder holding only a copy of the built binary, like `PREFIX/bin`.
    static func installedCopy() throws -> (dir: URL, exe: String) {
        let dir = TestCorpus.shared.scratchDirectory("installed")
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let exe = bin.appendingPathComponent("shotchain")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: try shotchainExecutable()), to: exe)
        return (dir, exe.path)
    }

    @Test func theBinaryHasNoResourceBundleToFind() throws {
        let (dir, exe) = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("bin").path) == ["shotchain"])
        // SwiftPM's `Bundle.module` accessor names `<package>_<target>.resources`; none may be compiled in.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: exe))
        #expect(bytes.range(of: Data("_Presets.resources".utf8)) == nil)
    }

    @Test(arguments: ["/", "bin"])
    func modelsListsTheBuiltInCatalogFromAnyFolder(_ folder: String) throws {
        let (dir, exe) = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cwd = folder == "/" ? URL(fileURLWithPath: "/") : dir.appendingPathComponent(folder)
        let run = try runProcess(exe, ["models"], currentDirectory: cwd, check: false)
        #expect(run.status == 0, "\(run.stderrText)")
        let slugs = try Self.sourcePresetFiles().filter { $0.hasPrefix("models/") }.map { ($0 as NSString).lastPathComponent.dropLast(5) }
        #expect(slugs.count == 5)
        for slug in slugs { #expect(run.stdoutText.contains("\n\(slug) "), "\(slug) missing from:\n\(run.stdoutText)") }
        let one = try runProcess(exe, ["models", "kling-o3-image2video", "--json"], currentDirectory: cwd)
        let json = try #require(try JSONSerialization.jsonObject(with: one.stdout) as? [String: Any])
        #expect(json["slug"] as? String == "kling-o3-image2video")
    }

    @Test func probeWorksFromTheCopy() async throws {
        let video = try await TestCorpus.shared.path(.bframesAAC)
        let (dir, exe) = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runProcess(exe, ["probe", "--json", video], currentDirectory: URL(fileURLWithPath: "/"), check: false)
        #expect(run.status == 0, "\(run.stderrText)")
        let files = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]])
        #expect(files.first?["path"] as? String == video)
        #expect((files.first?["streams"] as? [[String: Any]])?.count == 2)
    }

    @Test func chainDryRunAndSimulatedRunOnTheExportedDemoStoryboard() throws {
        let (dir, exe) = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let exported = dir.appendingPathComponent("presets")
        try runProcess(exe, ["presets", "export", exported.path], currentDirectory: URL(fileURLWithPath: "/"))
        let boards = exported.appendingPathComponent("storyboards")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", boards.appendingPathComponent("demo-start.png").path])
        try ffmpeg(["-f", "lavfi", "-i", "color=c=orange:s=640x360", "-frames:v", "1", boards.appendingPathComponent("demo-end.png").path])
        let plan = try runProcess(exe, ["chain", "demo.yaml", "--dry-run"], currentDirectory: boards, check: false)
        #expect(plan.status == 0, "\(plan.stderrText)")
        #expect(plan.stdoutText.contains("estimated cost $3.22; estimated time ~756 s"))
        // The in-process simulator also needs the catalog: a full offline run from the copy.
        let out = dir.appendingPathComponent("run")
        let run = try runProcess(
            exe, ["chain", "demo.yaml", "--simulate", "--out", out.path, "--progress", "never"], currentDirectory: boards, check: false)
        #expect(run.status == 0, "\(run.stderrText)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("final.mp4").path))
        // The exported catalog is usable with --presets, and an edit there is what the tool reads.
        let edited = exported.appendingPathComponent("models/kling-o1.json")
        let text = try String(contentsOf: edited, encoding: .utf8).replacingOccurrences(of: "\"slug\": \"kling-o1\"", with: "\"slug\": \"acme\"")
        try text.write(to: edited, atomically: true, encoding: .utf8)
        let refused = try runProcess(exe, ["models", "--presets", exported.path], check: false)
        #expect(refused.status == 2)
        #expect(refused.stderrText.contains("slug 'acme' does not match the file name 'kling-o1'"), "\(refused.stderrText)")
    }

    @Test func concatFindsTheBuiltInEncodePresetAndLeavesNoTemporaryCopy() throws {
        let (dir, exe) = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try ConcatCLITests.segment("a.mp4", in: dir)
        let b = try ConcatCLITests.segment("b.mp4", in: dir)
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp.path
        let out = dir.appendingPathComponent("out.mp4").path
        let run = try runProcess(
            exe, ["concat", a, b, "-o", out, "--reencode", "always", "--preset", "h264-high", "--json"], environment: env, check: false)
        #expect(run.status == 0, "\(run.stderrText)")
        // h264-high.json asks for BT.709 (the segments carry no colour tags), so the preset was read.
        let probe = try runProcess(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,color_space", "-of", "csv=p=0", out])
        #expect(probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "h264,bt709")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        let unknown = try runProcess(exe, ["concat", a, b, "-o", out + "2.mp4", "--preset", "nope"], environment: env, check: false)
        #expect(unknown.status == 2)
        #expect(unknown.stderrText.contains("no built-in encode preset named \"nope\" (known: h264-high)"), "\(unknown.stderrText)")
    }
}
