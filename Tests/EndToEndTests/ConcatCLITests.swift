import Foundation
import MediaTestSupport
import Testing

@Suite struct ConcatCLITests {
    /// Makes a 2 s 320x180 24 fps H.264 + AAC segment (`profile` varies the parameter sets).
    static func segment(_ name: String, in dir: URL, profile: String = "high") throws -> String {
        let out = dir.appendingPathComponent(name).path
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=2", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", profile, "-pix_fmt", "yuv420p", "-g", "24", "-c:a", "aac", out,
        ])
        return out
    }

    /// `--json` reports each segment and the re-probed output; the file is there and whole.
    @Test func jsonReport() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-cli")
        let a = try Self.segment("a.mp4", in: dir)
        let b = try Self.segment("b.mp4", in: dir)
        let out = dir.appendingPathComponent("out.mp4").path
        let result = try runProcess(try shotchainExecutable(), ["concat", a, b, "-o", out, "--seam", "drop-first", "--json"])
        #expect(result.stderrText.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(json["frames_out"] as? Int == 95)
        #expect(json["frames_in"] as? Int == 96)
        #expect(json["seam"] as? String == "drop-first")
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.map { $0["video"] as? String } == ["copied", "copied"])
        #expect(segments.map { $0["frames_out"] as? Int } == [48, 47])
        let probe = try #require(json["probe"] as? [String: Any])
        #expect(probe["path"] as? String == out)
        let frames = try runProcess(
            "ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", out])
        #expect(frames.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "95")
    }

    /// `--reencode never` with a mismatching segment: exit 2, one stderr line naming it and the property, no output.
    @Test func neverFailsWithOneLine() throws {
        let dir = TestCorpus.shared.scratchDirectory("concat-cli-never")
        let a = try Self.segment("a.mp4", in: dir)
        let b = try Self.segment("b.mp4", in: dir, profile: "main")
        let out = dir.appendingPathComponent("out.mp4").path
        let result = try runProcess(try shotchainExecutable(), ["concat", a, b, "-o", out, "--reencode", "never"], check: false)
        #expect(result.status == 2)
        let lines = result.stderrText.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("shotchain: \(b): ") == true)
        #expect(lines.first?.contains("profile Main differs from High") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.mp4", "b.mp4"])
    }

    /// A bad --seam value is a usage error (exit 64) naming the option.
    @Test func badSeamIsUsageError() throws {
        let result = try runProcess(try shotchainExecutable(), ["concat", "a.mp4", "-o", "o.mp4", "--seam", "blend"], check: false)
        #expect(result.status == 64)
        #expect(result.stderrText.contains("--seam"))
    }
}
