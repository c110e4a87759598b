import Foundation
import MediaTestSupport
import Testing

@Suite struct VerifyCLITests {
    /// Exit 0 when every check passes, 1 when one fails, 2 for unreadable input; JSON has the documented keys.
    @Test func exitCodesAndJSON() async throws {
        let clip = try await TestCorpus.shared.path(.bframesAAC)
        let all = ["--duration", "5", "--aspect", "16:9", "--resolution", "1280x720", "--fps", "24", "--frames", "121", "--audio", "yes", "--decode"]
        let pass = try runProcess(try shotchainExecutable(), ["verify", clip, "--json"] + all, check: false)
        #expect(pass.status == 0, "\(pass.stdoutText)\(pass.stderrText)")
        let object = try #require(try JSONSerialization.jsonObject(with: pass.stdout) as? [String: Any])
        #expect(object["path"] as? String == clip)
        #expect(object["passed"] as? Bool == true)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.count == 7)
        for check in checks {
            #expect(Set(check.keys) == ["name", "expected", "actual", "passed"])
        }

        let fail = try runProcess(try shotchainExecutable(), ["verify", clip, "--duration", "4.5", "--audio", "no"], check: false)
        #expect(fail.status == 1)
        #expect(fail.stdoutText.contains("FAIL duration: expected 4.5 s"))
        #expect(fail.stdoutText.contains("FAIL audio: expected no, actual yes"))

        let missing = try await TestCorpus.shared.badInput(.missing).path
        let bad = try runProcess(try shotchainExecutable(), ["verify", missing, "--duration", "5"], check: false)
        #expect(bad.status == 2)
        #expect(bad.stderrText.split(whereSeparator: \.isNewline).count == 1)
        #expect(bad.stderrText.contains(missing))

        let usage = try runProcess(try shotchainExecutable(), ["verify", clip, "--aspect", "wide"], check: false)
        #expect(usage.status == 64)
    }
}
