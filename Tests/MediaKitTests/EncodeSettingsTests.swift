import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// VideoEncodeSettings defaults, validation and preset files.
@Suite struct EncodeSettingsTests {
    static let presetsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("presets/encode")

    @Test func defaultsMatchTheKlingShape() {
        let s = VideoEncodeSettings(width: 1280, height: 720)
        #expect(s.frameRate == Rational(24, 1))
        #expect(s.codec == "libx264" && s.crf == 20 && s.preset == "veryfast" && s.profile == "high")
        #expect(s.pixelFormat == "yuv420p" && s.gopFrames == 48 && s.bFrames == 2 && s.colorSpace == "bt709")
        #expect(s.audio == nil)
        #expect(AudioEncodeSettings() == AudioEncodeSettings(sampleRate: 48000, channels: 2, bitRate: 128_000))
    }

    /// The shipped preset loads with its values; gop_seconds becomes frames at the given rate.
    @Test func shippedPresetLoads() throws {
        let url = Self.presetsFolder.appendingPathComponent("h264-high.json")
        let s = try VideoEncodeSettings.preset(at: url, width: 1920, height: 1080, frameRate: Rational(24, 1))
        #expect(s.width == 1920 && s.height == 1080 && s.frameRate == Rational(24, 1))
        #expect(s.codec == "libx264" && s.crf == 18 && s.preset == "veryfast" && s.profile == "high")
        #expect(s.pixelFormat == "yuv420p" && s.gopFrames == 48)
        #expect(s.audio == AudioEncodeSettings(sampleRate: 48000, channels: 2, bitRate: 192_000))
        let ntsc = try VideoEncodeSettings.preset(at: url, width: 1280, height: 720, frameRate: Rational(30000, 1001))
        #expect(ntsc.gopFrames == 60)
    }

    /// Every shipped preset loads and opens a writer.
    @Test func everyShippedPresetOpensAWriter() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.presetsFolder.path).filter { $0.hasSuffix(".json") }
        #expect(!files.isEmpty)
        let dir = TestCorpus.shared.scratchDirectory("encode-presets")
        for file in files {
            let s = try VideoEncodeSettings.preset(
                at: Self.presetsFolder.appendingPathComponent(file), width: 64, height: 48, frameRate: Rational(24, 1))
            let path = dir.appendingPathComponent(file + ".mp4").path
            let writer = try VideoWriter(path: path, settings: s)
            try writer.append(PixelImage(width: 64, height: 48, red: 1, green: 2, blue: 3))
            if let audio = s.audio { try writer.appendAudio([Float](repeating: 0, count: 480 * audio.channels)) }
            try writer.finish()
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    /// Broken preset files are refused with a MediaError naming the file.
    @Test(arguments: [
        "{ not json",
        #"{"video": {"crf": "eighteen"}}"#,
        #"{"video": {"gop_seconds": 0}}"#,
        #"{"video": {"preset": "warp"}}"#,
        #"{"video": {"color_space": "bt2020"}}"#,
        #"{"audio": {"codec": "mp3"}}"#,
        #"{"audio": {"channels": 0}}"#,
        #"{"audio": {"sample_rate": 47000}}"#,
    ])
    func brokenPresetsAreRefused(text: String) throws {
        let dir = TestCorpus.shared.scratchDirectory("encode-badpreset")
        let url = dir.appendingPathComponent("broken.json")
        try Data(text.utf8).write(to: url)
        let error = #expect(throws: MediaError.self) {
            _ = try VideoEncodeSettings.preset(at: url, width: 64, height: 48, frameRate: Rational(24, 1))
        }
        #expect(error?.description.contains(url.path) == true, "\(String(describing: error))")
        let missing = dir.appendingPathComponent("missing.json")
        #expect(throws: MediaError.fileNotFound(path: missing.path)) {
            _ = try VideoEncodeSettings.preset(at: missing, width: 64, height: 48, frameRate: Rational(24, 1))
        }
    }
}
