import Foundation
import MediaKit
import MediaTestSupport
import Testing

@testable import SegmindSimulator

/// A rendered video decoded by the ffmpeg CLI (the oracle): every frame as RGB, and ffmpeg's MD5 of every decoded frame.
struct DecodedVideo {
    var path: String
    var width: Int
    var height: Int
    var frames: [PixelImage]
    var hashes: [String]

    init(path: String) throws {
        self.path = path
        let probed = try probe(path)
        (width, height) = (probed.width, probed.height)
        let raw = try runProcess("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]).stdout
        let size = width * height * 3
        let bytes = [UInt8](raw)
        frames = stride(from: 0, to: bytes.count - size + 1, by: size).map {
            PixelImage(width: probed.width, height: probed.height, hasAlpha: false, pixels: Array(bytes[$0..<($0 + size)]))
        }
        let md5 = try runProcess("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:v", "-f", "framemd5", "pipe:1"]).stdoutText
        hashes = md5.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
            $0.split(separator: ",").last.map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Mean absolute difference of two frames' RGB values, over 255.
    func difference(_ a: Int, _ b: Int) -> Double {
        let x = frames[a].pixels
        let y = frames[b].pixels
        var sum = 0
        for i in stride(from: 0, to: x.count, by: 3) {
            sum += abs(Int(x[i]) - Int(y[i])) + abs(Int(x[i + 1]) - Int(y[i + 1])) + abs(Int(x[i + 2]) - Int(y[i + 2]))
        }
        return Double(sum) / Double(x.count) / 255
    }

    /// The mean RGB value of a frame over 255.
    func brightness(_ index: Int) -> Double {
        Double(frames[index].pixels.reduce(0) { $0 + Int($1) }) / Double(frames[index].pixels.count) / 255
    }
}

/// Lab measures of a picture: mean L*, spread of L*, mean chroma.
struct LabMeasure {
    var meanL: Double
    var spreadL: Double
    var chroma: Double

    init(_ image: PixelImage) {
        let stats = LabStatistics.measure(image)
        meanL = stats.mean.l
        spreadL = stats.spread.l
        var sum = 0.0
        var n = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3 * 7) {
            let lab = Lab(red: Double(image.pixels[i]) / 255, green: Double(image.pixels[i + 1]) / 255, blue: Double(image.pixels[i + 2]) / 255)
            sum += (lab.a * lab.a + lab.b * lab.b).squareRoot()
            n += 1
        }
        chroma = sum / Double(max(n, 1))
    }
}

/// A soft, textured 640x360 start picture (mid tones, moderate colour, so a drift does not clip) on a loopback server.
struct DefectInputs {
    let server: InputServer
    let directory: URL

    static func make() async throws -> DefectInputs {
        let dir = TestCorpus.shared.scratchDirectory("sim-defects")
        var image = PixelImage(width: 640, height: 360, red: 0, green: 0, blue: 0)
        for y in 0..<360 {
            for x in 0..<640 {
                let i = (y * 640 + x) * 3
                let texture = ((x / 16 + y / 16) % 2) * 30
                image.pixels[i] = UInt8(60 + x * 100 / 639 + texture)
                image.pixels[i + 1] = UInt8(70 + y * 90 / 359 + texture)
                image.pixels[i + 2] = UInt8(150 - x * 50 / 639 + texture / 2)
            }
        }
        try ImageFile.write(image, to: dir.appendingPathComponent("soft.png").path)
        return DefectInputs(server: try await InputServer.start(directory: dir), directory: dir)
    }

    /// Renders a 3 s std video (73 frames) from the soft picture with `prompt` on `sim` and decodes it.
    func render(_ sim: SegmindSimulator, prompt: String, name: String) async throws -> DecodedVideo {
        let body = #"{"prompt":"\#(prompt)","image_url":"\#(server.url("soft.png"))","duration":3,"mode":"std"}"#
        let reply = try await call(.POST, "\(sim.baseURL)/v1/kling-o3-image2video", json: body)
        try #require(reply.status == 200, "\(reply.text.prefix(300))")
        return try DecodedVideo(path: try save(reply.body, name, in: directory))
    }
}

/// The mean colour of a frame from its statistics (mean display RGB converted to CIELAB).
func meanLab(_ f: FrameStatistics) -> Lab { Lab(red: f.meanRed, green: f.meanGreen, blue: f.meanBlue) }

/// Frames 1 ..< count of a decoded video that repeat the one before within the encoder's rounding (held frames decode within
/// 0.005 of each other; the motion moves 0.015 or more).
func repeats(_ video: DecodedVideo) -> [Int] { (1..<video.frames.count).filter { video.difference($0 - 1, $0) < 0.007 } }

@Suite("Simulator defects", .serialized)
struct DefectTests {
    @Test(
        "Drift: frame 0 unchanged, the last frame moved by the configured L*, chroma and contrast, half of it at the middle",
        arguments: [(6.0, 0.2, 0.15), (-6.0, -0.2, -0.15)])
    func drift(brightness: Double, saturation: Double, contrast: Double) async throws {
        let inputs = try await DefectInputs.make()
        let defects = SimulatorDefects(brightness: brightness, saturation: saturation, contrast: contrast)
        // The rendered frames, before encoding: exact.
        let base = try ImageFile.read(inputs.directory.appendingPathComponent("soft.png").path)
        let plainFrames = RenderedFrames(base: base, end: nil, count: 73, defects: SimulatorDefects(), prompt: "pan")
        let driftFrames = RenderedFrames(base: base, end: nil, count: 73, defects: defects, prompt: "pan")
        #expect(driftFrames.frame(0) == base)
        for (index, share) in [(36, 0.5), (72, 1.0)] {
            let a = LabMeasure(plainFrames.frame(index))
            let b = LabMeasure(driftFrames.frame(index))
            #expect(abs(b.meanL - a.meanL - share * brightness) < 0.1 * abs(brightness), "frame \(index): L* \(a.meanL) -> \(b.meanL)")
            #expect(abs(b.chroma / a.chroma - (1 + share * saturation)) < 0.045, "frame \(index): chroma \(a.chroma) -> \(b.chroma)")
            #expect(abs(b.spreadL / a.spreadL - (1 + share * contrast)) < 0.045, "frame \(index): L* spread \(a.spreadL) -> \(b.spreadL)")
        }
        // The same through the simulator and the encoder, decoded by ffmpeg.
        let plain = try await withSimulator(SimulatorConfiguration(scale: 0.5)) { try await inputs.render($0, prompt: "pan", name: "plain.mp4") }
        var configuration = SimulatorConfiguration(scale: 0.5)
        configuration.defects = defects
        let drifted = try await withSimulator(configuration) { try await inputs.render($0, prompt: "pan", name: "drift.mp4") }
        try #require(plain.frames.count == 73 && drifted.frames.count == 73)
        #expect((plain.frames[0].psnr(drifted.frames[0]) ?? 0) > 45, "frame 0 is the start image in both")
        for (index, share) in [(36, 0.5), (72, 1.0)] {
            let a = LabMeasure(plain.frames[index])
            let b = LabMeasure(drifted.frames[index])
            #expect(abs(b.meanL - a.meanL - share * brightness) < 0.15 * abs(brightness), "frame \(index): L* \(a.meanL) -> \(b.meanL)")
            #expect(abs(b.chroma / a.chroma - (1 + share * saturation)) < 0.06, "frame \(index): chroma \(a.chroma) -> \(b.chroma)")
            #expect(abs(b.spreadL / a.spreadL - (1 + share * contrast)) < 0.06, "frame \(index): L* spread \(a.spreadL) -> \(b.spreadL)")
        }
        await inputs.server.stop()
    }

    @Test("Hold K: frames 1...K repeat frame 0 exactly, the motion starts after, the frame count is unchanged", arguments: [0, 3, 7])
    func hold(frames k: Int) async throws {
        let inputs = try await DefectInputs.make()
        let base = try ImageFile.read(inputs.directory.appendingPathComponent("soft.png").path)
        let rendered = RenderedFrames(base: base, end: nil, count: 73, defects: SimulatorDefects(holdFrames: k), prompt: "push in")
        let hashes = (0..<73).map { rendered.frame($0).pixels.hashValue }
        #expect(hashes.prefix { $0 == hashes[0] }.count == k + 1)
        #expect(Set(hashes).count == 73 - k, "every frame after the hold differs from the others")
        // Encoded and decoded: the held frames repeat frame 0 within the encoder's rounding, the next one moves.
        var configuration = SimulatorConfiguration(scale: 0.5)
        configuration.defects.holdFrames = k
        let video = try await withSimulator(configuration) { try await inputs.render($0, prompt: "push in", name: "hold-\(k).mp4") }
        #expect(video.frames.count == 73)
        #expect(repeats(video) == Array(0..<k).map { $0 + 1 }, "\((1...k + 2).map { video.difference($0 - 1, $0) })")
        await inputs.server.stop()
    }

    @Test("Faults by prompt text: a freeze, a black span and a cut at their spans; a prompt without the text is clean")
    func faults() async throws {
        let inputs = try await DefectInputs.make()
        var configuration = SimulatorConfiguration(scale: 0.5)
        configuration.defects.faults = [
            try VideoFault(parsing: "freeze:1:0.75:[frozen]"), try VideoFault(parsing: "black:2:0.25:[black]"),
            try VideoFault(parsing: "cut:1.5:0:[cut]"),
        ]
        // Rendered: frames 24 ..< 42 (1 s to 1.75 s) show frame 24 exactly; 48 ..< 54 are black.
        let base = try ImageFile.read(inputs.directory.appendingPathComponent("soft.png").path)
        let frozenFrames = RenderedFrames(base: base, end: nil, count: 73, defects: configuration.defects, prompt: "a [frozen] take")
        let hashes = (0..<73).map { frozenFrames.frame($0).pixels.hashValue }
        let repeated: [Int] = (1..<73).filter { hashes[$0] == hashes[$0 - 1] }
        #expect(repeated == Array(25..<42))
        let blackFrames = RenderedFrames(base: base, end: nil, count: 73, defects: configuration.defects, prompt: "[black]")
        let blackIndices: [Int] = (0..<73).filter { blackFrames.frame($0).pixels.allSatisfy { $0 == 0 } }
        #expect(blackIndices == Array(48..<54))
        try await withSimulator(configuration) { sim in
            let frozen = try await inputs.render(sim, prompt: "a [frozen] take", name: "frozen.mp4")
            #expect(repeats(frozen) == Array(25..<42))

            let black = try await inputs.render(sim, prompt: "a [black] take", name: "black.mp4")
            let dark = (0..<73).filter { black.brightness($0) < 0.02 }
            #expect(dark == Array(48..<54), "black frames \(dark)")

            let cut = try await inputs.render(sim, prompt: "a [cut] take", name: "cut.mp4")
            let jumps = (1..<73).filter { cut.difference($0 - 1, $0) > 0.15 }
            #expect(jumps == [36], "jumps at \(jumps)")
            #expect(repeats(cut).isEmpty)

            let clean = try await inputs.render(sim, prompt: "a clean take (frozen black cut)", name: "clean.mp4")
            let steps = (1..<73).map { clean.difference($0 - 1, $0) }
            #expect(steps.allSatisfy { $0 > 0.008 && $0 < 0.05 }, "frame differences \(steps.min() ?? 0) to \(steps.max() ?? 0)")
            #expect((0..<73).allSatisfy { clean.brightness($0) > 0.2 })
        }
        await inputs.server.stop()
    }

    @Test("The normal motion reads as motion at full size and at the test scales, and keeps the mean colour steady", arguments: [1.0, 0.5, 0.25])
    func motion(scale: Double) async throws {
        let dir = TestCorpus.shared.scratchDirectory("sim-motion")
        // A smooth gradient (the zoom alone changes it little) and a saturated test picture (the ripple clips).
        var gradient = PixelImage(width: 640, height: 360, red: 0, green: 0, blue: 90)
        for y in 0..<360 {
            for x in 0..<640 {
                (gradient.pixels[(y * 640 + x) * 3], gradient.pixels[(y * 640 + x) * 3 + 1]) = (UInt8(x * 255 / 639), UInt8(y * 255 / 359))
            }
        }
        try ImageFile.write(gradient, to: dir.appendingPathComponent("gradient.png").path)
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("testsrc.png").path])
        let server = try await InputServer.start(directory: dir)
        try await withSimulator(SimulatorConfiguration(scale: scale)) { sim in
            for picture in ["gradient.png", "testsrc.png"] {
                let body = #"{"prompt":"drift","image_url":"\#(server.url(picture))","duration":3,"mode":"std"}"#
                let reply = try await call(.POST, "\(sim.baseURL)/v1/kling-o3-image2video", json: body)
                try #require(reply.status == 200, "\(reply.text.prefix(300))")
                let path = try save(reply.body, "motion-\(picture).mp4", in: dir)
                let frames = try ShotCheck.check(path, against: VerificationRequest(decode: true)).frames
                try #require(frames.count == 73)
                let differences = frames.dropFirst().map(\.lumaDifference)
                let encodedSteps = zip(frames, frames.dropFirst()).map { meanLab($0).deltaE(meanLab($1)) }
                // The frames as rendered, before the encoder adds its own colour noise.
                let size = try probe(path)
                let start = try ImageFile.read(dir.appendingPathComponent(picture).path).resized(width: size.width, height: size.height, mode: .fit)
                let rendered = RenderedFrames(base: start, end: nil, count: 73, defects: SimulatorDefects(), prompt: "")
                let means = (0..<73).map { LabStatistics.measure(rendered.frame($0)).mean }
                let renderedSteps = zip(means, means.dropFirst()).map { $0.deltaE($1) }
                let low = differences.min() ?? 0
                print(
                    "motion \(picture) at scale \(scale): luma difference \(low) to \(differences.max() ?? 0); mean colour step at most "
                        + "\(renderedSteps.max() ?? 0) dE rendered, \(encodedSteps.max() ?? 0) dE encoded")
                #expect(low > 0.0075, "\(picture) at scale \(scale): smallest frame difference \(low)")
                // A smooth picture keeps its mean colour; a saturated, detailed one moves some with the zoom itself.
                let limit = picture == "gradient.png" ? 0.2 : 1.0
                #expect((renderedSteps.max() ?? 9) < limit, "\(picture) at scale \(scale): rendered mean colour steps \(renderedSteps)")
                #expect((encodedSteps.max() ?? 9) < 2, "\(picture) at scale \(scale): encoded mean colour steps \(encodedSteps)")
            }
        }
        await server.stop()
    }

    @Test(
        "A bad defect option is one line naming it on stderr and exit 2",
        arguments: [
            (["--drift", "1,2"], "shotchain: --drift: '1,2' is not BRIGHTNESS,SATURATION,CONTRAST (three numbers, e.g. -4,0.08,0.06)\n"),
            (["--drift", "80,0,0"], "shotchain: --drift: brightness 80.0 must be between -50 and 50 L* units\n"),
            (["--hold=-1"], "shotchain: --hold -1 must be 0 to 240 frames\n"),
            (["--video-fault", "melt:1:1:x"], "shotchain: --video-fault: unknown kind 'melt' in 'melt:1:1:x' (use freeze, black, cut)\n"),
            (["--video-fault", "black:1:0:x"], "shotchain: --video-fault: the black fault must last more than 0 and at most 600 seconds\n"),
            (["--video-fault", "freeze:1:1:"], "shotchain: --video-fault: the prompt text of a freeze fault must not be empty\n"),
        ])
    func badOption(arguments: [String], message: String) throws {
        let result = try runProcess(try shotchainExecutable(), ["simulate"] + arguments, check: false)
        #expect(result.status == 2)
        #expect(result.stderrText == message)
        #expect(result.stdout.isEmpty)
    }

    @Test("chain takes the defect options with --simulate only")
    func chainNeedsSimulate() throws {
        let result = try runProcess(try shotchainExecutable(), ["chain", "missing.yaml", "--hold", "2"], check: false)
        #expect(result.status == 64)
        #expect(result.stderrText.contains("--drift, --hold and --video-fault need --simulate"))
    }

    @Test("shotchain simulate --hold and --video-fault put them into the videos it serves")
    func simulateCommand() async throws {
        let inputs = try await DefectInputs.make()
        let (process, baseURL) = try launchSimulateCommand([
            "simulate", "--scale", "0.25", "--hold", "4", "--video-fault", "black:1:0.5:[dark]", "--drift=-3,0.1,0",
        ])
        let body = #"{"prompt":"into the [dark]","image_url":"\#(inputs.server.url("soft.png"))","duration":3,"mode":"std"}"#
        let reply = try await call(.POST, "\(baseURL)/v1/kling-o3-image2video", key: "k", json: body)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try #require(reply.status == 200, "\(reply.text.prefix(300))")
        let video = try DecodedVideo(path: try save(reply.body, "cli.mp4", in: inputs.directory))
        #expect(video.frames.count == 73)
        #expect(repeats(video).filter { $0 < 24 } == [1, 2, 3, 4], "\((1...6).map { video.difference($0 - 1, $0) })")
        #expect((0..<73).filter { video.brightness($0) < 0.02 } == Array(24..<36))
        #expect(LabMeasure(video.frames[72]).meanL < LabMeasure(video.frames[0]).meanL - 2)
        await inputs.server.stop()
    }

    @Test("ShotCheck counts the simulator's hold exactly and finds exactly the injected faults, none on a clean shot", arguments: [0.5, 0.25])
    func shotCheckSeesTheDefects(scale: Double) async throws {
        let inputs = try await DefectInputs.make()
        var configuration = SimulatorConfiguration(scale: scale)
        configuration.defects = try SimulatorDefects(
            drift: "-3,0.08,0.05", hold: 3, faults: ["freeze:1:0.75:[frozen]", "black:2:0.25:[black]", "cut:1.5:0:[cut]"])
        try await withSimulator(configuration) { sim in
            for (prompt, kind, start, end) in [
                ("a clean take", nil, 0.0, 0.0), ("a [frozen] take", ShotFinding.Kind.frozen, 1.0, 1.75), ("a [black] take", .black, 2.0, 2.25),
                ("a [cut] take", .cut, 1.5, 1.5),
            ] {
                let video = try await inputs.render(sim, prompt: prompt, name: "check.mp4")
                let result = try ShotCheck.check(video.path, against: VerificationRequest(decode: true))
                #expect(result.held == HeldFrames(head: 3, tail: 0), "\(prompt) at scale \(scale): \(result.held)")
                let findings = result.findings
                if let kind {
                    #expect(findings.map(\.kind) == [kind], "\(prompt) at scale \(scale): \(findings)")
                    let found = try #require(findings.first)
                    #expect(abs(found.startSeconds - start) <= 1.0 / 24 + 1e-6, "\(prompt): \(found)")
                    #expect(kind == .cut || abs(found.endSeconds - end) <= 1.0 / 24 + 1e-6, "\(prompt): \(found)")
                } else {
                    #expect(findings.isEmpty, "\(prompt) at scale \(scale): \(findings)")
                }
            }
        }
        await inputs.server.stop()
    }
}
