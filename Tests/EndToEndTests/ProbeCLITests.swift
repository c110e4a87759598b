import Foundation
import MediaTestSupport
import Testing

private func probeCLI(_ arguments: [String]) throws -> ProcessOutput {
    try runProcess(try shotchainExecutable(), ["probe"] + arguments, check: false)
}

private let fileKeys: Set<String> = [
    "path", "format", "format_long_name", "size", "duration", "start_time", "bit_rate", "is_image", "truncated",
    "decodable", "problems", "pixel_limit_exceeded", "streams",
]
private let streamKeys: Set<String> = [
    "index", "kind", "codec", "profile", "codec_tag", "time_base", "start_time", "duration", "duration_from_packets",
    "bit_rate", "first_pts", "last_pts",
]
private let videoKeys: Set<String> = [
    "width", "height", "display_width", "display_height", "rotation", "sar", "pix_fmt", "bit_depth", "color_range",
    "color_space", "color_primaries", "color_transfer", "frame_rate", "r_frame_rate", "frame_count", "keyframe_count",
    "has_b_frames", "video_delay", "level",
]
private let audioKeys: Set<String> = ["sample_rate", "channels", "channel_layout", "sample_fmt", "frame_count"]
private let imageKeys: Set<String> = ["width", "height", "pix_fmt", "has_alpha", "bit_depth"]

@Test func probeJSONHasOneObjectPerFileWithTheDocumentedKeys() async throws {
    let video = try await TestCorpus.shared.path(.bframesAAC)
    let image = try await TestCorpus.shared.path(.pngRGBA)
    let out = try probeCLI(["--json", video, image])
    #expect(out.status == 0, "\(out.stderrText)")
    #expect(out.stderr.isEmpty)
    let files = try #require(try JSONSerialization.jsonObject(with: out.stdout) as? [[String: Any]])
    #expect(files.count == 2)
    for file in files { #expect(Set(file.keys) == fileKeys) }
    #expect(files[0]["path"] as? String == video)
    #expect(files[0]["truncated"] as? Bool == false)
    #expect(files[0]["size"] as? Int == (try FileManager.default.attributesOfItem(atPath: video)[.size] as? Int))

    let streams = try #require(files[0]["streams"] as? [[String: Any]])
    #expect(streams.count == 2)
    #expect(Set(streams[0].keys) == streamKeys.union(videoKeys))
    #expect(Set(streams[1].keys) == streamKeys.union(audioKeys))
    #expect(streams[0]["kind"] as? String == "video")
    #expect(streams[0]["frame_count"] as? Int == 121)
    #expect(streams[0]["frame_rate"] as? String == "24/1")
    #expect(streams[0]["time_base"] as? String == "1/12288")
    #expect(streams[0]["has_b_frames"] as? Bool == true)
    #expect(streams[1]["kind"] as? String == "audio")
    #expect(streams[1]["channel_layout"] as? String == "stereo")

    let imageStreams = try #require(files[1]["streams"] as? [[String: Any]])
    #expect(Set(imageStreams[0].keys) == streamKeys.union(imageKeys))
    #expect(imageStreams[0]["kind"] as? String == "image")
    #expect(imageStreams[0]["has_alpha"] as? Bool == true)
    #expect(files[1]["is_image"] as? Bool == true)
}

@Test func probeSummaryIsReadable() async throws {
    let rotated = try await TestCorpus.shared.path(.rotated90)
    let out = try probeCLI([rotated])
    #expect(out.status == 0)
    let lines = out.stdoutText.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix(rotated + ": mov,mp4"))
    #expect(lines[0].contains("5.042 s"))
    #expect(lines[1].contains("#0 video h264 (High) 1280x720 -> 720x1280 (rotation 90)"))
    #expect(lines[1].contains("121 frames"))
    #expect(lines[2].contains("#1 audio aac (LC) 48000 Hz stereo fltp"))
}

@Test(arguments: BadInput.allCases)
func probeRejectsBadInputWithOneLineNamingTheFile(_ kind: BadInput) async throws {
    let bad = try await TestCorpus.shared.badInput(kind).path
    let good = try await TestCorpus.shared.path(.pngRGB)
    let out = try probeCLI([good, bad])
    #expect(out.status == 2)
    let errorLines = out.stderrText.split(separator: "\n")
    #expect(errorLines.count == 1, "\(out.stderrText)")
    #expect(errorLines.first?.hasPrefix("shotchain: \(bad):") == true, "\(out.stderrText)")
    // The good file is still described; a file that opens is described and flagged.
    #expect(out.stdoutText.hasPrefix(good + ": png_pipe"))
    switch kind {
    case .truncatedMoovFirst: #expect(out.stdoutText.contains(bad + ": mov,mp4,m4a,3gp,3g2,mj2, ") && out.stdoutText.contains("[TRUNCATED]"))
    case .hugePNGHeader: #expect(out.stdoutText.contains("30000x30000") && out.stdoutText.contains("[NOT DECODABLE]"))
    default: #expect(!out.stdoutText.contains(bad))
    }

    let json = try probeCLI(["--json", bad])
    #expect(json.status == 2)
    #expect(json.stderrText.split(separator: "\n").count == 1)
    let files = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
    // Files that open are listed, flagged; files that do not are left out of the array.
    for file in files {
        let healthy = file["truncated"] as? Bool == false && file["decodable"] as? Bool == true
        #expect(!healthy)
    }
}
