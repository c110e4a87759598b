import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// Clips of 72 mandelbrot frames with a 3-frame hold (4 equal frames) at the head, at the tail or both, encoded like
/// the simulator's shots (H.264 CRF 20).
actor HoldMedia {
    static let shared = HoldMedia()
    private var made: [String: Task<String, any Error>] = [:]

    static let graphs: [String: String] = [
        "head": "mandelbrot=s=320x240:r=24,trim=end_frame=72,loop=loop=3:size=1:start=0,setpts=N/24/TB",
        "tail": "mandelbrot=s=320x240:r=24,trim=end_frame=72,tpad=stop=3:stop_mode=clone",
        "both": "mandelbrot=s=320x240:r=24,trim=end_frame=72,loop=loop=3:size=1:start=0,setpts=N/24/TB,tpad=stop=3:stop_mode=clone",
        // The simulator's kind of motion (slow zoom, small marker), 72 frames, with the hold at the head.
        "slow-head": QAMedia.marker + ",trim=end_frame=72,loop=loop=3:size=1:start=0,setpts=N/24/TB",
    ]

    func clip(_ name: String) async throws -> String {
        if let task = made[name] { return try await task.value }
        let graph = Self.graphs[name] ?? ""
        let task = Task<String, any Error>.detached {
            let out = TestCorpus.shared.scratchDirectory("hold").appendingPathComponent("\(name).mp4").path
            try ffmpeg(["-f", "lavfi", "-i", graph, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", out])
            return out
        }
        made[name] = task
        return try await task.value
    }
}

@Suite struct HoldDetectorTests {
    /// The 3-frame holds are counted exactly, at the end they are, and are not frozen findings (0.167 s).
    @Test(arguments: [
        ("head", HeldFrames(head: 3, tail: 0)), ("tail", HeldFrames(head: 0, tail: 3)), ("both", HeldFrames(head: 3, tail: 3)),
        ("slow-head", HeldFrames(head: 3, tail: 0)),
    ])
    func holdsAreCounted(_ name: String, _ expected: HeldFrames) async throws {
        let path = try await HoldMedia.shared.clip(name)
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        try #require(result.frames.count == 72 + expected.head + expected.tail)
        #expect(result.held == expected, "\(name)")
        #expect(HoldDetector.held(in: result.frames) == expected)
        #expect(result.findings.isEmpty, "\(name): \(result.findings)")
    }

    static func frames(_ differences: [Double]) -> [FrameStatistics] {
        differences.enumerated().map { i, d in
            FrameStatistics(seconds: Double(i) / 24, meanLuma: 0.5, meanRed: 0.5, meanGreen: 0.5, meanBlue: 0.5, lumaDifference: i == 0 ? 0 : d)
        }
    }

    /// The limit is on the sum of differences from the first frame: a slow drift whose every step is tiny is not a
    /// hold for long; a noisy hold within the limit is one.
    @Test func holdIsMeasuredFromTheFirstFrame() {
        // The shot moves 0.004 a frame: limit 0.001 (a quarter of it).
        let moving = [Double](repeating: 0.004, count: 40)
        var noisyHold = moving
        for i in 1...3 { noisyHold[i] = 0.0003 }
        #expect(HoldDetector.held(in: Self.frames(noisyHold)).head == 3)
        var drift = moving
        for i in 1...10 { drift[i] = 0.0003 }
        // Each of the ten steps is under the limit, but from the first frame the picture has moved 0.003 by frame 10.
        #expect(HoldDetector.held(in: Self.frames(drift)).head == 3)
        #expect(HoldDetector.held(in: Self.frames(moving)) == HeldFrames())
    }

    /// The limit follows the shot's motion, between the floor and freezedetect's -45 dB.
    @Test func limitFollowsMotion() {
        let thresholds = QAThresholds()
        #expect(thresholds.holdLimit(medianDifference: 0) == thresholds.holdFloor)
        #expect(abs(thresholds.holdLimit(medianDifference: 0.004) - 0.001) < 1e-12)
        #expect(thresholds.holdLimit(medianDifference: 1) == thresholds.stillNoise)
        #expect(thresholds.holdLimit(medianDifference: .nan) == thresholds.holdFloor)
        #expect(abs(pow(10, -45.0 / 20) - thresholds.stillNoise) < 0.0001)
    }

    /// A still shot is held throughout; a single frame holds nothing.
    @Test func stillShotIsHeldThroughout() {
        #expect(HoldDetector.held(in: Self.frames([Double](repeating: 0, count: 10))) == HeldFrames(head: 9, tail: 9))
        #expect(HoldDetector.held(in: Self.frames([0])) == HeldFrames())
    }

    /// The median helper skips frame 0 and takes the middle value (or the mean of the two middle ones).
    @Test func medianDifference() {
        let frames = Self.frames([9, 0.1, 0.5, 0.2, 0.4])
        #expect(abs(ShotMotion.medianDifference(of: frames) - 0.3) < 1e-12)
        #expect(ShotMotion.medianDifference(of: frames, in: 0..<4) == 0.2)
        #expect(abs(ShotMotion.medianDifference(of: frames, in: 3..<5) - 0.3) < 1e-12)
        #expect(abs(ShotMotion.frameSeconds(of: frames) - 1.0 / 24) < 1e-12)
    }
}
