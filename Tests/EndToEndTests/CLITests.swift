import Foundation
import MediaTestSupport
import Testing

@Test func helpDocumentsExitStatuses() throws {
    let out = try runProcess(try shotchainExecutable(), ["--help"])
    #expect(out.stdoutText.contains("Exit status"))
}
