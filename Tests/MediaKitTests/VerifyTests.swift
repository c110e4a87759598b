import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// A 4.5 s clip and a corrupted copy of the 121-frame clip, made once.
actor VerifyMedia {
    static let shared = VerifyMedia()
    private var made: [String: Task<String, any Error>] = [:]

    private func make(_ name: String, _ body: @escaping @Sendable (String) async throws -> Void) async throws -> String {
        if let task = made[name] { return try await task.value }
        let task = Task<String, any Error>.detached {
            let out = TestCorpus.shared.scratchDirectory("verify-media").appendingPathComponent(name).path
            try await body(out)
            return out
        }
        made[name] = task
        return try await task.value
    }

    /// 108 frames at 24 fps (4.5 s), 640x360, no audio.
    func shortClip() async throws -> String {
        try await make("short45.mp4") { out in
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=24:d=4.5", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out])
        }
    }

    /// The 121-frame clip with 20 runs of junk bytes written over its video data.
    func corruptClip() async throws -> String {
        let source = try await TestCorpus.shared.path(.bframesAAC)
        return try await make("corrupt.mp4") { out in
            var data = try Data(contentsOf: URL(fileURLWithPath: source))
            let junk = Data([UInt8]([0xFF, 0x00, 0x13, 0x77]).flatMap { [$0] } + [UInt8](repeating: 0x5A, count: 252))
            for k in 0..<20 {
                let at = data.count / 3 + k * 20000
                data.replaceSubrange(at..<at + junk.count, with: junk)
            }
            try data.write(to: URL(fileURLWithPath: out))
        }
    }
}

@Suite struct VerifyTests {
    static func check(_ report: VerificationReport, _ name: String) -> VerificationCheck? {
        report.checks.first { $0.name == name }
    }

    /// Every property of the 121-frame 24 fps 1280x720 clip with audio passes when it is what is expected.
    @Test func matchingRequestPasses() async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let request = VerificationRequest(
            duration: 5, aspect: "16:9", resolution: .init(width: 1280, height: 720), fps: 24, frames: 121, audio: true, decode: true)
        let report = try Verifier.verify(path, request)
        #expect(report.passed, "\(report.summary())")
        #expect(report.checks.map(\.name) == ["duration", "aspect", "resolution", "fps", "frames", "audio", "decode"])
        #expect(Self.check(report, "frames")?.actual == "121")
        #expect(Self.check(report, "decode")?.actual == "121 frames decoded cleanly")
    }

    /// Each wrong expectation fails its own check and only that one.
    @Test(arguments: [
        ("duration", VerificationRequest(duration: 5.2, tolerance: 0.1)),
        ("aspect", VerificationRequest(aspect: "9:16")),
        ("aspect", VerificationRequest(aspect: "4:3")),
        ("resolution", VerificationRequest(resolution: .init(width: 1920, height: 1080))),
        ("fps", VerificationRequest(fps: 30)),
        ("frames", VerificationRequest(frames: 120)),
        ("audio", VerificationRequest(audio: false)),
    ])
    func wrongExpectationFails(_ name: String, _ request: VerificationRequest) async throws {
        let path = try await TestCorpus.shared.path(.bframesAAC)
        let report = try Verifier.verify(path, request)
        #expect(!report.passed)
        #expect(report.checks.count == 1)
        #expect(Self.check(report, name)?.passed == false)
    }

    /// The default tolerance is one frame plus 50 ms: 5.042 s passes "5", a 4.5 s clip fails it.
    @Test func durationTolerance() async throws {
        let full = try Verifier.verify(try await TestCorpus.shared.path(.bframesAAC), VerificationRequest(duration: 5))
        #expect(full.passed)
        let short = try Verifier.verify(try await VerifyMedia.shared.shortClip(), VerificationRequest(duration: 5, audio: false))
        #expect(Self.check(short, "duration")?.passed == false)
        #expect(Self.check(short, "duration")?.actual == "4.5 s")
        #expect(Self.check(short, "audio")?.passed == true)
        let loose = try Verifier.verify(try await VerifyMedia.shared.shortClip(), VerificationRequest(duration: 5, tolerance: 0.6))
        #expect(loose.passed)
    }

    /// `decode` fails on a file whose video data was overwritten, naming what went wrong.
    @Test func decodeFailsOnCorruptFile() async throws {
        let report = try Verifier.verify(try await VerifyMedia.shared.corruptClip(), VerificationRequest(decode: true))
        let decode = try #require(Self.check(report, "decode"))
        #expect(!decode.passed)
        #expect(decode.actual.contains("corrupt") || decode.actual.contains("error") || decode.actual.contains("decoded"))
    }

    /// Unreadable input throws rather than reporting.
    @Test(arguments: [BadInput.missing, .randomBytes, .empty, .directory])
    func unreadableInputThrows(_ bad: BadInput) async throws {
        let path = try await TestCorpus.shared.badInput(bad).path
        #expect(throws: MediaError.self) { try Verifier.verify(path, VerificationRequest(duration: 5)) }
    }
}
