import Foundation
import MediaTestSupport
import NIOHTTP1
import Testing

@Suite("shotchain simulate")
struct SimulateCommandTests {
    @Test("Prints its base URL, serves, and exits 0 on SIGTERM and SIGINT", arguments: [SIGTERM, SIGINT])
    func servesUntilSignalled(_ signal: Int32) async throws {
        let (process, baseURL) = try launchSimulateCommand(["simulate", "--port", "0", "--seed", "3", "--scale", "0.25", "--api-key", "k"])
        #expect(baseURL.hasPrefix("http://127.0.0.1:"))
        let denied = try await call(.POST, "\(baseURL)/v2/kling-o1", key: "wrong", json: "{}")
        #expect(denied.status == 401)
        let invalid = try await call(.POST, "\(baseURL)/v2/kling-o1", key: "k", json: #"{"prompt":"x"}"#)
        #expect(invalid.status == 400)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test("A bad option is one line on stderr and exit 2")
    func badOption() throws {
        let result = try runProcess(try shotchainExecutable(), ["simulate", "--faults", "drop=2"], check: false)
        #expect(result.status == 2)
        #expect(result.stderrText == "shotchain: --faults: 'drop=2' is not KEY=PROBABILITY with a probability from 0 to 1\n")
        #expect(result.stdout.isEmpty)
    }
}
