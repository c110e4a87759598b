import Foundation
import MediaKit
import MediaTestSupport
import Presets
import Segmind
import SegmindSimulator

@testable import Storyboard

/// A chain of `prompts.count` shots of kling-o3-image2video (each starting from the previous one's picture, the
/// first from a textured 640x360 picture) under `defaults` (YAML flow-mapping entries added to model, mode and
/// duration), in a fresh folder; `shot` adds YAML entries to the shot with that index; `start` is the first shot's
/// start image.
func chainPlan(
    prompts: [String], defaults: String = "", duration: Int = 3, shot extra: [Int: String] = [:], start: PixelImage = texturedPicture()
) throws -> (ChainPlan, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try ImageFile.write(start, to: dir.appendingPathComponent("start.png").path)
    let shots = prompts.enumerated().map { i, prompt in
        let start = i == 0 ? "start.png" : "previous"
        return "  - {id: s\(i + 1), prompt: \"\(prompt)\", start_image: \(start)\(extra[i].map { ", " + $0 } ?? "")}"
    }
    let path = dir.appendingPathComponent("board.yaml").path
    try
        ("defaults: {model: kling-o3-image2video, mode: std, duration: \(duration)\(defaults.isEmpty ? "" : ", " + defaults)}\nshots:\n"
        + shots.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return (try planning(path), dir)
}

/// The storyboard at `path` planned against the built-in catalog.
func planning(_ path: String) throws -> ChainPlan {
    try ChainPlan(storyboard: try StoryboardFile.load(path), catalog: try ModelCatalog(directory: Presets.directory.appendingPathComponent("models")))
}

/// A 640x360 picture in moderate colours with soft detail everywhere (ramps and broad ripples), so motion reads as
/// motion without the fine texture that makes a slow zoom look like a storm of changes; `brightness` scales it (0...1).
func texturedPicture(brightness: Double = 1) -> PixelImage {
    var p = PixelImage(width: 640, height: 360, red: 0, green: 0, blue: 0)
    for y in 0..<360 {
        for x in 0..<640 {
            let o = (y * 640 + x) * 3
            p.pixels[o] = UInt8(70 + 110 * x / 639 + Int(14 * sin(Double(y) / 23)))
            p.pixels[o + 1] = UInt8(80 + 90 * y / 359 + Int(14 * sin(Double(x + y) / 31)))
            p.pixels[o + 2] = UInt8(120 + Int(30 * sin(Double(x) / 37) * cos(Double(y) / 29)))
            for c in 0..<3 { p.pixels[o + c] = UInt8(Double(p.pixels[o + c]) * min(1, max(0, brightness))) }
        }
    }
    return p
}

/// The simulator the chain tests run on: latency 0.2 s, half size, with `defects`.
func defectSimulator(_ defects: SimulatorDefects = SimulatorDefects()) -> SimulatorConfiguration {
    var c = SimulatorConfiguration(latency: 0.2, scale: 0.5)
    c.defects = defects
    return c
}

/// A video's frames decoded by the ffmpeg CLI (point-sampled to 160x90, RGB), as an independent oracle.
struct DecodedFrames {
    /// RGB bytes of each frame, 160 x 90 x 3.
    var frames: [[UInt8]]

    /// Decodes `path`.
    init(_ path: String) throws {
        let raw = try runProcess(
            "/usr/bin/ffmpeg", ["-v", "error", "-i", path, "-vf", "scale=160:90:flags=neighbor", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        ).stdout
        let size = 160 * 90 * 3
        frames = stride(from: 0, to: raw.count - size + 1, by: size).map { Array(raw[$0..<($0 + size)]) }
    }

    /// The mean CIELAB of frame `i` over its pixels (sRGB, D65), with this oracle's own conversion.
    func meanLab(_ i: Int) -> (l: Double, a: Double, b: Double) {
        var sum = (0.0, 0.0, 0.0)
        let f = frames[i]
        for p in stride(from: 0, to: f.count, by: 3) {
            let lab = Self.lab(f[p], f[p + 1], f[p + 2])
            sum = (sum.0 + lab.0, sum.1 + lab.1, sum.2 + lab.2)
        }
        let n = Double(f.count / 3)
        return (sum.0 / n, sum.1 / n, sum.2 / n)
    }

    /// CIE76 dE between the mean Lab of frames `i` and `j`.
    func deltaE(_ i: Int, _ j: Int) -> Double {
        let (x, y) = (meanLab(i), meanLab(j))
        return ((x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b)).squareRoot()
    }

    /// The mean absolute byte difference between frames `i` and `j`.
    func difference(_ i: Int, _ j: Int) -> Double {
        zip(frames[i], frames[j]).reduce(0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(frames[i].count)
    }

    private static func lab(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (Double, Double, Double) {
        func linear(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let (lr, lg, lb) = (linear(r), linear(g), linear(b))
        let x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047
        let y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb
        let z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }
}
