import Foundation
import MediaTestSupport
import Segmind
import Testing

/// The built `shotchain` refuses the two headers that used to kill it: exit status 2 and one stderr line naming the file.
@Suite struct HostileCLITests {
    private func expectCleanRefusal(_ arguments: [String], file: String, reason: String) throws {
        let out = try runProcess(try shotchainExecutable(), arguments, check: false)
        let lines = out.stderrText.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(out.status == 2, "\(arguments): status \(out.status), stderr \(out.stderrText)")
        #expect(lines.count == 1 && lines.first?.contains(file) == true, "\(arguments): \(out.stderrText)")
        #expect(out.stderrText.contains(reason), "\(arguments): \(out.stderrText)")
    }

    @Test(arguments: [
        ["probe"], ["probe", "--json"], ["frame", "--first", "-o", "OUT"], ["frame", "--last", "-o", "OUT"], ["verify"], ["verify", "--decode"],
    ])
    func a4294967295SquarePNGIsRefused(_ command: [String]) throws {
        let dir = hostileDirectory.appendingPathComponent("cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let png = dir.appendingPathComponent("huge.png").path
        try Data(HostilePNG.header(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF)).write(to: URL(fileURLWithPath: png))
        let output = dir.appendingPathComponent("out.png").path
        try expectCleanRefusal(command.map { $0 == "OUT" ? output : $0 } + [png], file: png, reason: "4294967295x4294967295")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(arguments: [UInt64.max, (1 << 63) + 1] as [UInt64])
    func anMP4WithAHugeTrailingBoxIsRefusedByGenerate(_ largesize: UInt64) throws {
        let dir = hostileDirectory.appendingPathComponent("cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var bytes = try SeedMedia.mp4.make(in: hostileDirectory)
        let seed = dir.appendingPathComponent("seed.mp4").path
        try Data(bytes).write(to: URL(fileURLWithPath: seed))
        #expect(try HeaderMediaInspector().inspect(path: seed).width == 64, "the seed itself must pass")
        bytes += [0, 0, 0, 1] + Array("free".utf8)
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: largesize >> (8 * UInt64(7 - $0))) }
        let mp4 = dir.appendingPathComponent("trailing.mp4").path
        try Data(bytes).write(to: URL(fileURLWithPath: mp4))
        // Validation runs before anything is sent: the loopback base URL is never contacted.
        try expectCleanRefusal(
            [
                "generate", "kling-o1-video-to-video-reference", "--prompt", "a pan", "--input", "video_url=\(mp4)",
                "-o", dir.appendingPathComponent("out.mp4").path, "--base-url", "http://127.0.0.1:9",
            ], file: mp4, reason: "'free' box at byte \(bytes.count - 16) declares \(largesize) bytes")
    }
}
