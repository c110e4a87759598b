import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// Clips with one defect each, and clean ones, made once with ffmpeg: 320x240, 24 fps, H.264 at CRF 20 (as the
/// simulator and most downloads are encoded), so a repeated frame is not always bit-exact after decoding.
actor QAMedia {
    static let shared = QAMedia()
    private var made: [String: Task<String, any Error>] = [:]

    /// The clips, by name, with the filter graph that makes them.
    static let graphs: [String: String] = [
        // testsrc2 frames 0..23, then frame 24 shown 18 times (frames 24..41, 1.0 to 1.75 s), then frames 42..95.
        "freeze":
            "testsrc2=s=320x240:r=24:d=4,split=3[x][y][z];[x]trim=end_frame=24[a];"
            + "[y]trim=start_frame=24:end_frame=25,loop=loop=17:size=1:start=0[b];[z]trim=start_frame=42[c];"
            + "[a][b][c]concat=n=3:v=1:a=0,setpts=N/24/TB",
        // testsrc2 with frames 40..43 (1.667 to 1.833 s) painted black.
        "black": "testsrc2=s=320x240:r=24:d=4,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,40,43)'",
        // Two seconds of testsrc2, then two of mandelbrot: the cut is between frames 47 and 48 (1.958 and 2.0 s).
        "cut":
            "testsrc2=s=320x240:r=24:d=2[a];mandelbrot=s=320x240:r=24,trim=end_frame=48[b];[a][b]concat=n=2:v=1:a=0,setpts=N/24/TB",
        "testsrc2": "testsrc2=s=320x240:r=24:d=4",
        "mandelbrot": "mandelbrot=s=320x240:r=24,trim=end_frame=96",
        // A slow zoom into a smooth photo-like picture (blurred fractal with film grain), the way a generated
        // shot often moves: the smallest differences.
        "zoompan":
            "mandelbrot=s=960x720:r=1,trim=end_frame=1,gblur=sigma=2,noise=alls=6:allf=u,"
            + "zoompan=z='zoom+0.0008':d=96:s=320x240:fps=24",
        // What the simulator renders: a picture zooming in slowly with a small marker crossing it.
        "marker": QAMedia.marker,
    ]

    /// testsrc2's first frame zooming in by 0.1% a frame, with a yellow square moving 3 pixels a frame: frames that
    /// differ by as little as 0.03 code values, a median of 0.5.
    static let marker =
        "testsrc2=s=640x480:r=1,trim=end_frame=1,zoompan=z='1+0.001*on':d=96:s=320x240:fps=24,"
        + "drawbox=x='t*(iw-30)/4':y=180:w=30:h=30:color=yellow:t=fill"

    /// The path of clip `name` (one of `graphs`).
    func clip(_ name: String) async throws -> String {
        if let task = made[name] { return try await task.value }
        let graph = Self.graphs[name] ?? ""
        let task = Task<String, any Error>.detached {
            let out = TestCorpus.shared.scratchDirectory("qa").appendingPathComponent("\(name).mp4").path
            try ffmpeg([
                "-f", "lavfi", "-i", graph, "-frames:v", "96", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", out,
            ])
            return out
        }
        made[name] = task
        return try await task.value
    }
}

@Suite struct ShotQATests {
    static func check(_ name: String) async throws -> ShotCheckResult {
        try ShotCheck.check(try await QAMedia.shared.clip(name), against: VerificationRequest(decode: true))
    }

    /// Each defect is found once, with its kind and span (within a frame, 1/24 s), and nothing else.
    @Test(arguments: [
        ("freeze", ShotFinding.Kind.frozen, 1.0, 1.75), ("black", .black, 40.0 / 24, 44.0 / 24), ("cut", .cut, 47.0 / 24, 2.0),
    ])
    func defectIsFoundWithItsSpan(_ name: String, _ kind: ShotFinding.Kind, _ start: Double, _ end: Double) async throws {
        let result = try await Self.check(name)
        try #require(result.frames.count == 96)
        let finding = try #require(result.findings.first, "\(name): nothing found")
        #expect(result.findings.count == 1, "\(name): \(result.findings)")
        #expect(finding.kind == kind)
        #expect(abs(finding.startSeconds - start) <= 1.0 / 24 + 1e-6, "\(name): starts at \(finding.startSeconds), not \(start)")
        #expect(abs(finding.endSeconds - end) <= 1.0 / 24 + 1e-6, "\(name): ends at \(finding.endSeconds), not \(end)")
    }

    /// Clean clips, from fast motion (testsrc2, mandelbrot) to a slow zoom, give no finding and no hold.
    @Test(arguments: ["testsrc2", "mandelbrot", "zoompan", "marker"])
    func cleanClipHasNoFinding(_ name: String) async throws {
        let result = try await Self.check(name)
        try #require(result.frames.count == 96)
        #expect(result.findings.isEmpty, "\(name): \(result.findings)")
        #expect(result.held == HeldFrames(), "\(name)")
        // The clip does move: the check would pass on a clip without statistics otherwise.
        #expect(ShotMotion.medianDifference(of: result.frames) > 0.0005, "\(name)")
    }

    /// The clip of `ShotCheckTests` (1 s moving, 0.5 s black, 0.5 s one frame repeated): a black and a frozen span,
    /// exactly; the jumps into and out of black are not cuts.
    @Test func blackThenFrozenClip() async throws {
        let path = try await ShotCheckMedia.shared.blackAndFrozen()
        let result = try ShotCheck.check(path, against: VerificationRequest(decode: true))
        #expect(
            result.findings == [
                ShotFinding(kind: .black, startSeconds: 1.0, endSeconds: 1.5), ShotFinding(kind: .frozen, startSeconds: 1.5, endSeconds: 2.0),
            ])
        #expect(result.held.tail == 11)
    }

    /// Synthetic statistics at 24 fps: `still` frames repeat the one before, `dark` ones are black.
    static func frames(_ count: Int, motion: Double = 0.01, still: Set<Int> = [], dark: Set<Int> = [], jumps: [Int: Double] = [:])
        -> [FrameStatistics]
    {
        (0..<count).map { i in
            let difference = i == 0 || still.contains(i) ? 0 : jumps[i] ?? motion
            return FrameStatistics(
                seconds: Double(i) / 24, meanLuma: 0.5, meanRed: 0.5, meanGreen: 0.5, meanBlue: 0.5, lumaDifference: difference,
                darkFraction: dark.contains(i) ? 1 : 0)
        }
    }

    /// A still span is frozen from 12 equal frames (0.5 s displayed) at 24 fps, not 11; a 3-frame hold at the head
    /// (4 equal frames) is not.
    @Test func frozenNeedsHalfASecond() {
        #expect(ShotQA.findings(in: Self.frames(48, still: Set(20..<30))) == [])
        #expect(
            ShotQA.findings(in: Self.frames(48, still: Set(20..<31))) == [ShotFinding(kind: .frozen, startSeconds: 19.0 / 24, endSeconds: 31.0 / 24)])
        #expect(ShotQA.findings(in: Self.frames(48, still: [1, 2, 3])) == [])
        let headHold = Self.frames(48, still: Set(1..<12))
        #expect(ShotQA.findings(in: headHold) == [ShotFinding(kind: .frozen, startSeconds: 0, endSeconds: 0.5)])
    }

    /// Black needs 0.1 s: 3 frames at 24 fps (0.125 s), not 2 (0.083 s).
    @Test func blackNeedsATenthOfASecond() {
        #expect(ShotQA.findings(in: Self.frames(48, dark: [10, 11])) == [])
        #expect(
            ShotQA.findings(in: Self.frames(48, dark: [10, 11, 12])) == [ShotFinding(kind: .black, startSeconds: 10.0 / 24, endSeconds: 13.0 / 24)])
        // A frame just under the black share is not black.
        var frames = Self.frames(48, dark: [10, 11, 12])
        frames[11].darkFraction = 0.979
        #expect(ShotQA.findings(in: frames) == [])
    }

    /// A cut must pass both the absolute floor and the ratio to the shot's own motion.
    @Test func cutIsFarAboveTheShotsMotion() {
        #expect(ShotQA.findings(in: Self.frames(48, jumps: [20: 0.3])) == [ShotFinding(kind: .cut, startSeconds: 19.0 / 24, endSeconds: 20.0 / 24)])
        // Under the floor: a fast dissolve step in a calm shot.
        #expect(ShotQA.findings(in: Self.frames(48, motion: 0.002, jumps: [20: 0.07])) == [])
        // Over the floor, but a fast shot moves that much anyway (under 5 times its median).
        #expect(ShotQA.findings(in: Self.frames(48, motion: 0.05, jumps: [20: 0.24])) == [])
        #expect(ShotQA.findings(in: Self.frames(48, motion: 0.05, jumps: [20: 0.26])).map(\.kind) == [.cut])
    }

    /// Statistics that are not numbers (or no frames) give findings without trapping.
    @Test func oddStatisticsDoNotTrap() {
        #expect(ShotQA.findings(in: []) == [])
        #expect(HoldDetector.held(in: []) == HeldFrames())
        var frames = Self.frames(30)
        frames[5].lumaDifference = .nan
        frames[6].lumaDifference = .infinity
        frames[7].seconds = .nan
        frames[8].darkFraction = .nan
        _ = ShotQA.findings(in: frames)
        _ = HoldDetector.held(in: frames)
        #expect(ShotMotion.medianDifference(of: frames).isFinite)
        #expect(ShotMotion.medianDifference(of: frames, in: -5..<1000) == ShotMotion.medianDifference(of: frames))
        #expect(ShotMotion.medianDifference(of: frames, in: 40..<50) == 0)
    }
}
