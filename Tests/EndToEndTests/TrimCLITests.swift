import Foundation
import MediaTestSupport
import Testing

@Suite struct TrimCLITests {
    /// `trim --json` reports the path taken and the cut points; keyframe mode prints them in text too.
    @Test func jsonAndKeyframeCutPoints() async throws {
        let clip = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory("cli-trim")
        let out = dir.appendingPathComponent("t.mp4").path
        let result = try runProcess(try shotchainExecutable(), ["trim", clip, "-o", out, "--start", "1", "--duration", "2", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(object["method"] as? String == "full-reencode")
        #expect(object["frames"] as? Int == 48)
        for key in ["actual_start", "actual_end", "requested_start", "requested_end", "video_duration", "audio_duration", "fallback_reason"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let key = dir.appendingPathComponent("k.mp4").path
        let text = try runProcess(try shotchainExecutable(), ["trim", clip, "-o", key, "--start", "2.5", "--end", "3", "--mode", "keyframe"])
        #expect(text.stdoutText.contains("cut points: 2 s to 4 s (requested 2.5 s to 3 s)"))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["t.mp4", "k.mp4"])
    }

    /// Every bad input: exit 2, one stderr line naming the file, nothing written.
    @Test(arguments: BadInput.allCases)
    func badInputExitsWithStatus2(_ kind: BadInput) async throws {
        let input = try await TestCorpus.shared.badInput(kind).path
        let dir = TestCorpus.shared.scratchDirectory("cli-trim-bad")
        let out = dir.appendingPathComponent("t.mp4").path
        let result = try runProcess(try shotchainExecutable(), ["trim", input, "-o", out, "--start", "0", "--end", "1"], check: false)
        #expect(result.status == 2, "\(kind): \(result.stderrText)")
        #expect(result.stderrText.split(whereSeparator: \.isNewline).count == 1, "\(kind): \(result.stderrText)")
        #expect(result.stderrText.contains(input))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A range past the end is bad input (exit 2); missing or conflicting range options are usage errors (64).
    @Test func badRanges() async throws {
        let clip = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory("cli-trim-range")
        let out = dir.appendingPathComponent("t.mp4").path
        let cases: [([String], Int32)] = [
            (["--start", "9", "--end", "10"], 2), (["--start", "1"], 64), (["--start", "1", "--end", "2", "--duration", "1"], 64),
            (["--start", "2", "--end", "1"], 64), (["--start", "1", "--end", "2", "--mode", "fast"], 64),
        ]
        for (arguments, status) in cases {
            let result = try runProcess(try shotchainExecutable(), ["trim", clip, "-o", out] + arguments, check: false)
            #expect(result.status == status, "\(arguments): \(result.stderrText)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
