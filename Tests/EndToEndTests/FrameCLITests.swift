import Foundation
import MediaTestSupport
import Testing

@Suite struct FrameCLITests {
    /// `ffprobe` fields of the first video stream of a file.
    static func probe(_ path: String) throws -> [String: String] {
        let out = try runProcess(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,pix_fmt", "-of", "default=nw=1", path])
        var info: [String: String] = [:]
        for line in out.stdoutText.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { info[String(parts[0])] = String(parts[1]) }
        }
        return info
    }

    static let outputs: [(String, String, [String])] = [
        ("last.png", "png", ["--last"]), ("first.jpg", "mjpeg", ["--first"]), ("mid.webp", "webp", ["--index", "60"]),
        ("at.JPEG", "mjpeg", ["--at", "2.5"]),
    ]

    /// The CLI writes PNG, JPEG and WebP files that ffprobe reads at the display size.
    @Test(arguments: outputs)
    func writesImagesFFprobeReads(_ name: String, _ codec: String, _ selector: [String]) async throws {
        let input = try await TestCorpus.shared.path(.rotated90)
        let dir = TestCorpus.shared.scratchDirectory("cli")
        let out = dir.appendingPathComponent(name).path
        let result = try runProcess(try shotchainExecutable(), ["frame", input] + selector + ["-o", out])
        #expect(result.stderrText.isEmpty)
        let info = try Self.probe(out)
        #expect(info["codec_name"] == codec)
        #expect(info["width"] == "720" && info["height"] == "1280")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [name])
    }

    /// Alpha survives: the RGBA PNG-in-MOV gives an rgba PNG and a yuva420p WebP; JPEG drops it.
    @Test func alphaIsKeptInPNGAndWebP() async throws {
        let input = try await TestCorpus.shared.path(.alphaMov)
        let dir = TestCorpus.shared.scratchDirectory("cli-alpha")
        let expected = [("a.png", "rgba"), ("a.webp", "yuva420p"), ("a.jpg", "yuvj420p")]
        for (name, pixelFormat) in expected {
            let out = dir.appendingPathComponent(name).path
            try runProcess(try shotchainExecutable(), ["frame", input, "--last", "-o", out])
            let info = try Self.probe(out)
            #expect(info["pix_fmt"] == pixelFormat, "\(name)")
            #expect(info["width"] == "160" && info["height"] == "120")
        }
    }

    /// `--json` prints one object with the documented keys.
    @Test func jsonReport() async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let out = TestCorpus.shared.scratchDirectory("json").appendingPathComponent("f.png").path
        let result = try runProcess(try shotchainExecutable(), ["frame", input, "--last", "-o", out, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        for key in ["path", "output", "index", "pts", "time", "width", "height", "has_alpha", "keyframe_seek_attempts"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["index"] as? Int == 120)
        #expect(object["width"] as? Int == 1280)
        #expect(object["has_alpha"] as? Bool == false)
        #expect(object["output"] as? String == out)
    }

    /// Every bad input: exit status 2, one stderr line naming the file, no output file.
    @Test(arguments: BadInput.allCases)
    func badInputExitsWithStatus2(_ kind: BadInput) async throws {
        let input = try await TestCorpus.shared.badInput(kind).path
        let dir = TestCorpus.shared.scratchDirectory("cli-bad")
        let out = dir.appendingPathComponent("out.png").path
        let result = try runProcess(try shotchainExecutable(), ["frame", input, "--last", "-o", out], check: false)
        #expect(result.status == 2, "\(kind): \(result.stderrText)")
        let lines = result.stderrText.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1, "\(kind): \(result.stderrText)")
        #expect(result.stderrText.contains(input))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// Out-of-range selectors and unsupported outputs exit 2 with one line; missing selectors are usage errors.
    @Test func badArguments() async throws {
        let input = try await TestCorpus.shared.path(.bframesAAC)
        let dir = TestCorpus.shared.scratchDirectory("cli-args")
        let png = dir.appendingPathComponent("x.png").path
        let cases: [([String], Int32)] = [
            (["--index", "121", "-o", png], 2), (["--at", "9", "-o", png], 2),
            (["--last", "-o", dir.appendingPathComponent("x.gif").path], 2),
            (["--last", "-o", dir.appendingPathComponent("no/such/dir.png").path], 2),
            (["-o", png], 64), (["--last", "--first", "-o", png], 64), (["--at", "-1", "-o", png], 64),
        ]
        for (arguments, status) in cases {
            let result = try runProcess(try shotchainExecutable(), ["frame", input] + arguments, check: false)
            #expect(result.status == status, "\(arguments): \(result.stderrText)")
            if status == 2 { #expect(result.stderrText.split(whereSeparator: \.isNewline).count == 1) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
