import Foundation
import MediaTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A presets folder holding the bundled models plus `acme-i2v.json`, a copy of `kling-o1-image-to-video.json`
/// under a new slug, and a start image (made with the ffmpeg CLI).
private func presetsWithACopiedModel() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-copy-\(UUID().uuidString)")
    let models = dir.appendingPathComponent("presets/models")
    try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
    let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../presets/models").standardizedFileURL
    for name in try FileManager.default.contentsOfDirectory(atPath: bundled.path) where name.hasSuffix(".json") {
        try FileManager.default.copyItem(at: bundled.appendingPathComponent(name), to: models.appendingPathComponent(name))
    }
    let original = try String(contentsOf: bundled.appendingPathComponent("kling-o1-image-to-video.json"), encoding: .utf8)
    let copy = original.replacingOccurrences(of: #""slug": "kling-o1-image-to-video""#, with: #""slug": "acme-i2v""#)
        .replacingOccurrences(of: #""title": "Kling O1 image to video""#, with: #""title": "Acme image to video""#)
    #expect(copy != original && copy.contains(#""slug": "acme-i2v""#))
    try copy.write(to: models.appendingPathComponent("acme-i2v.json"), atomically: true, encoding: .utf8)
    _ = try runProcess(
        "/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("start.png").path])
    return dir
}

/// `shotchain simulate` running in the background; its base URL is the first line it prints.
private final class SimulateProcess {
    let process = Process()
    let baseURL: String

    init(executable: String, arguments: [String]) throws {
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        var byte: UInt8 = 0
        let fd = out.fileHandleForReading.fileDescriptor
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        baseURL = String(decoding: line, as: UTF8.self)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Adding a model is adding a file: a copied catalog entry under a new slug is listed, generated through the
/// simulator and chained, with no code change.
@Test func aCopiedModelFileWorksThroughModelsGenerateAndChain() throws {
    let dir = try presetsWithACopiedModel()
    defer { try? FileManager.default.removeItem(at: dir) }
    let exe = try shotchainExecutable()
    let presets = dir.appendingPathComponent("presets").path

    let models = try runProcess(exe, ["models", "--presets", presets])
    #expect(models.stdoutText.contains("acme-i2v"), "\(models.stdoutText)")
    #expect(!models.stdoutText.contains("SEGMIND-API"))
    let detail = try runProcess(exe, ["models", "acme-i2v", "--presets", presets])
    #expect(detail.stdoutText.contains("start_image_url (url, role start_image, required)"), "\(detail.stdoutText)")
    #expect(detail.stdoutText.contains("source: Segmind model pages and API reference, official Python SDK 1.3.0"))
    #expect(!detail.stdoutText.contains("SEGMIND-API"))

    let simulator = try SimulateProcess(executable: exe, arguments: ["simulate", "--presets", presets, "--scale", "0.1"])
    defer { simulator.stop() }
    #expect(simulator.baseURL.hasPrefix("http://127.0.0.1:"), "\(simulator.baseURL)")
    var environment = ProcessInfo.processInfo.environment
    environment["SEGMIND_API_KEY"] = "catalog-copy-key"
    let out = dir.appendingPathComponent("acme.mp4").path
    let generate = try runProcess(
        exe,
        [
            "generate", "acme-i2v", "--presets", presets, "--base-url", simulator.baseURL, "--prompt", "a slow pan",
            "--input", "start_image_url=\(dir.appendingPathComponent("start.png").path)", "-o", out, "--interval", "0.1", "--progress", "never",
        ], environment: environment, check: false)
    #expect(generate.status == 0, "\(generate.stderrText)")
    #expect(generate.stdoutText.contains("cost 0.912"), "\(generate.stdoutText)")
    let probe = try runProcess("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out])
    #expect(abs((Double(probe.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - 5.042) < 0.05, "\(probe.stdoutText)")

    try """
    defaults: {model: acme-i2v, duration: 5}
    shots:
      - {id: one, prompt: A harbour at dawn, start_image: start.png}
      - {id: two, prompt: Boats leave the harbour, start_image: previous}
    """.write(to: dir.appendingPathComponent("acme.yaml"), atomically: true, encoding: .utf8)
    let chain = try runProcess(
        exe, ["chain", "acme.yaml", "--simulate", "--presets", presets, "--out", "acme-out", "--progress", "never"], currentDirectory: dir,
        check: false)
    #expect(chain.status == 0, "\(chain.stderrText)")
    #expect(chain.stdoutText.contains("seam one -> two: PSNR"), "\(chain.stdoutText)")
    for shot in ["one", "two"] {
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("acme-out/shots/\(shot).mp4").path), "\(shot)")
    }

    // Without the folder the slug is unknown to both the client and the simulator.
    let bundled = try runProcess(exe, ["models", "acme-i2v"], check: false)
    #expect(bundled.status == 2 && bundled.stderrText.contains("acme-i2v"))
}
