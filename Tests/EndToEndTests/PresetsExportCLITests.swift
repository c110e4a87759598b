import Foundation
import MediaTestSupport
import Testing

/// `shotchain presets export DIR`: byte-identical copies of `presets/`, and no silent overwrite.
@Suite struct PresetsExportCLITests {
    @Test func exportWritesByteIdenticalCopiesOfEveryPresetFile() throws {
        let dir = TestCorpus.shared.scratchDirectory("presets-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("new/folder")
        let run = try runProcess(try shotchainExecutable(), ["presets", "export", out.path])
        let sources = try InstalledBinaryTests.sourcePresetFiles()
        #expect(sources.count >= 7)
        #expect(try InstalledBinaryTests.files(under: out) == sources)
        #expect(run.stdoutText.split(separator: "\n").map(String.init) == sources.map { out.appendingPathComponent($0).path })
        for path in sources {
            let original = try Data(contentsOf: InstalledBinaryTests.presetsSource.appendingPathComponent(path))
            #expect(try Data(contentsOf: out.appendingPathComponent(path)) == original, "\(path) differs")
        }
    }

    @Test func exportRefusesToOverwriteUnlessForced() throws {
        let dir = TestCorpus.shared.scratchDirectory("presets-export-force")
        defer { try? FileManager.default.removeItem(at: dir) }
        let exe = try shotchainExecutable()
        let demo = dir.appendingPathComponent("storyboards/demo.yaml")
        try FileManager.default.createDirectory(at: demo.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: demo)
        let refused = try runProcess(exe, ["presets", "export", dir.path], check: false)
        #expect(refused.status == 2)
        #expect(refused.stderrText.contains("\(demo.path): already exists; nothing written (--force overwrites)"), "\(refused.stderrText)")
        #expect(try Data(contentsOf: demo) == Data("mine".utf8))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("models").path))

        try runProcess(exe, ["presets", "export", dir.path, "--force"])
        let original = try Data(contentsOf: InstalledBinaryTests.presetsSource.appendingPathComponent("storyboards/demo.yaml"))
        #expect(try Data(contentsOf: demo) == original)

        let file = dir.appendingPathComponent("plain-file")
        try Data().write(to: file)
        let notFolder = try runProcess(exe, ["presets", "export", file.path], check: false)
        #expect(notFolder.status == 2)
        #expect(notFolder.stderrText.contains("\(file.path): exists and is not a folder"))
    }
}
