import Foundation
import MediaTestSupport
import Testing

/// Every key of `value` outside the data it carries (parameters sent, metrics received) that is not snake_case.
private func nonSnakeKeys(_ value: Any, path: String = "") -> [String] {
    if let object = value as? [String: Any] {
        return object.flatMap { key, child -> [String] in
            let here = path + "." + key
            let bad = key.range(of: #"^[a-z0-9_]+$"#, options: .regularExpression) == nil ? [here] : []
            if ["parameters", "when", "metrics", "raw", "default", "allowed"].contains(key) { return bad }
            return bad + nonSnakeKeys(child, path: here)
        }
    }
    if let array = value as? [Any] { return array.flatMap { nonSnakeKeys($0, path: path + "[]") } }
    return []
}

@Test func everyJSONOutputUsesSnakeCaseKeys() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("json-keys-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let clip = dir.appendingPathComponent("a.mp4").path
    _ = try runProcess("/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=2", "-pix_fmt", "yuv420p", clip])
    _ = try runProcess(
        "/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("s.png").path])
    try "shots:\n  - {id: a, model: kling-o1-image-to-video, prompt: x, start_image: s.png}\n".write(
        to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
    let exe = try shotchainExecutable()
    let commands: [[String]] = [
        ["models", "--json"], ["models", "kling-o3-image2video", "--json"], ["probe", clip, "--json"], ["verify", clip, "--duration", "2", "--json"],
        ["frame", clip, "--last", "-o", dir.appendingPathComponent("f.png").path, "--json"],
        ["concat", clip, clip, "-o", dir.appendingPathComponent("c.mp4").path, "--json"],
        ["trim", clip, "--start", "0.5", "--end", "1.5", "-o", dir.appendingPathComponent("t.mp4").path, "--json"],
        ["chain", "b.yaml", "--dry-run", "--json"],
    ]
    for arguments in commands {
        let run = try runProcess(exe, arguments, currentDirectory: dir)
        let json = try JSONSerialization.jsonObject(with: run.stdout)
        #expect(nonSnakeKeys(json).isEmpty, "\(arguments.joined(separator: " ")): \(nonSnakeKeys(json))")
    }
}
