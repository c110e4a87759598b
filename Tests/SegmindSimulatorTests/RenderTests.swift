import AsyncHTTPClient
import Foundation
import MediaTestSupport
import NIOHTTP1
import SegmindSimulator
import Testing

/// What ffprobe reports about a rendered file.
struct ProbedMedia {
    var width: Int
    var height: Int
    var frameRate: String
    var frames: Int
    var hasAudio: Bool
    var audioCodec: String?
}

/// ffprobe (the oracle) on a file: first video stream size, rate and decoded frame count; audio presence.
func probe(_ path: String) throws -> ProbedMedia {
    let output = try runProcess(
        "ffprobe",
        [
            "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate,nb_read_frames", "-of", "json",
            path,
        ])
    let json = try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    let streams = try #require(json["streams"] as? [[String: Any]])
    let video = try #require(streams.first { $0["codec_type"] as? String == "video" })
    let audio = streams.first { $0["codec_type"] as? String == "audio" }
    return ProbedMedia(
        width: video["width"] as? Int ?? 0, height: video["height"] as? Int ?? 0, frameRate: video["r_frame_rate"] as? String ?? "",
        frames: Int(video["nb_read_frames"] as? String ?? "") ?? -1, hasAudio: audio != nil, audioCodec: audio?["codec_name"] as? String)
}

/// Frame `index` of a video as a PNG, extracted with the ffmpeg CLI.
func extractFrame(_ video: String, index: Int, to png: String) throws {
    try ffmpeg(["-i", video, "-vf", "select=eq(n\\,\(index))", "-fps_mode", "passthrough", "-frames:v", "1", png])
}

/// PSNR (dB, RGB) between two same-sized pictures, measured by the ffmpeg CLI's psnr filter.
func psnr(_ a: String, _ b: String) throws -> Double {
    let output = try runProcess(
        "ffmpeg",
        ["-hide_banner", "-nostdin", "-i", a, "-i", b, "-lavfi", "[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr", "-f", "null", "-"])
    let text = output.stderrText
    let range = try #require(text.range(of: "average:"), "\(text.suffix(500))")
    let value = text[range.upperBound...].prefix { !$0.isWhitespace }
    return value == "inf" ? .infinity : try #require(Double(value))
}

/// Test pictures served over loopback: a 16:9 start, a different 16:9 end, a 9:16 start.
struct RenderInputs {
    let directory: URL
    let server: InputServer

    static func make() async throws -> RenderInputs {
        let dir = TestCorpus.shared.scratchDirectory("sim-render")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", dir.appendingPathComponent("start.png").path])
        try ffmpeg([
            "-f", "lavfi", "-i", "smptehdbars=s=640x360", "-frames:v", "1", "-vf", "hflip", dir.appendingPathComponent("end.png").path,
        ])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=360x640", "-frames:v", "1", dir.appendingPathComponent("portrait.jpg").path])
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=24:d=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            dir.appendingPathComponent("clip.mp4").path,
        ])
        return RenderInputs(directory: dir, server: try await InputServer.start(directory: dir))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func url(_ name: String) -> String { server.url(name) }
}

/// Saves bytes under the scratch folder and returns the path.
func save(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("Rendered media", .serialized)
struct RenderTests {
    @Test("v2 image-to-video: 24 fps, duration x 24 + 1 frames, first frame = start image, last frame = end image")
    func imageToVideo() async throws {
        let inputs = try await RenderInputs.make()
        // Scale 1/3 renders pro 16:9 at 640x360, the size of the test pictures, so no resampling blurs the comparison.
        try await withSimulator(SimulatorConfiguration(scale: 1.0 / 3.0)) { sim in
            let body =
                #"{"prompt":"a slow push in","start_image_url":"\#(inputs.url("start.png"))","end_image_url":"\#(inputs.url("end.png"))","duration":"5"}"#
            let submit = try await submitV2(sim, "kling-o1-image-to-video", body)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal(try #require(submit.json?["status_url"] as? String))
            #expect(status.status == 200, "\(status.text)")
            let result = try await call(.GET, try #require(submit.json?["response_url"] as? String))
            let json = try #require(result.json)
            #expect(json["status"] as? String == "COMPLETED")
            #expect(json["error"] is NSNull)
            #expect(json["request_id"] as? String == id)
            let output = try #require(json["output"] as? String)
            let video = try #require(json["video"] as? [String: Any])
            #expect(video["url"] as? String == output)
            #expect(video["content_type"] as? String == "video/mp4")
            #expect(video["file_name"] as? String == "output.mp4")
            #expect(output == "\(sim.baseURL)/files/\(id)/output.mp4")
            let metrics = try #require(json["metrics"] as? [String: Any])
            #expect(metrics["cost"] as? Double == 0.912)
            #expect(metrics["remaining_credits"] as? Double == 999.088)
            for key in ["inference_time", "queue_time", "total_time"] { #expect(metrics[key] is Double || metrics[key] is Int, "\(key)") }

            let download = try await call(.GET, output, key: nil)
            #expect(download.status == 200)
            #expect(download.header("content-type") == "video/mp4")
            #expect(download.header("content-length") == String(download.body.count))
            #expect(video["file_size"] as? Int == download.body.count)
            let dir = TestCorpus.shared.scratchDirectory("sim-i2v")
            let file = try save(download.body, "out.mp4", in: dir)
            let probed = try probe(file)
            #expect(probed.width == 640 && probed.height == 360, "\(probed)")
            #expect(probed.frameRate == "24/1")
            #expect(probed.frames == 121)
            #expect(!probed.hasAudio)

            let first = dir.appendingPathComponent("first.png").path
            let middle = dir.appendingPathComponent("middle.png").path
            let last = dir.appendingPathComponent("last.png").path
            try extractFrame(file, index: 0, to: first)
            try extractFrame(file, index: 60, to: middle)
            try extractFrame(file, index: 120, to: last)
            let firstVsStart = try psnr(first, inputs.path("start.png"))
            let lastVsEnd = try psnr(last, inputs.path("end.png"))
            let firstVsEnd = try psnr(first, inputs.path("end.png"))
            let middleVsStart = try psnr(middle, inputs.path("start.png"))
            #expect(firstVsStart > 28, "first frame vs start image: \(firstVsStart) dB")
            #expect(lastVsEnd > 28, "last frame vs end image: \(lastVsEnd) dB")
            #expect(firstVsEnd < 15, "first frame vs end image: \(firstVsEnd) dB")
            #expect(middleVsStart < firstVsStart - 8, "no visible motion: middle frame vs start \(middleVsStart) dB")
        }
        await inputs.server.stop()
    }

    @Test("v1 kling-o3 std 9:16 with audio: video/mp4 bytes with accounting headers, AAC present, 73 frames")
    func synchronousWithAudio() async throws {
        let inputs = try await RenderInputs.make()
        try await withSimulator(SimulatorConfiguration(scale: 0.25)) { sim in
            let body = #"{"prompt":"wave","image_url":"\#(inputs.url("portrait.jpg"))","duration":3,"mode":"std","generate_audio":true}"#
            let reply = try await call(.POST, "\(sim.baseURL)/v1/kling-o3-image2video", json: body)
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(reply.header("content-type") == "video/mp4")
            #expect(reply.header("x-cost") == "0.63")
            #expect(reply.header("x-remaining-credits") == "999.37")
            #expect(reply.header("x-request-id")?.isEmpty == false)
            #expect(Double(reply.header("x-generation-time") ?? "") != nil)
            #expect(UInt64(reply.header("x-seed-value") ?? "") != nil)
            let dir = TestCorpus.shared.scratchDirectory("sim-o3")
            let probed = try probe(try save(reply.body, "out.mp4", in: dir))
            #expect(probed.width == 180 && probed.height == 320)
            #expect(probed.frames == 73)
            #expect(probed.frameRate == "24/1")
            #expect(probed.hasAudio && probed.audioCodec == "aac")
            #expect(await sim.submissionCount(slug: "kling-o3-image2video") == 1)
        }
        await inputs.server.stop()
    }

    @Test("Audio only when asked; 10 s reference video renders 241 frames at the requested aspect")
    func referenceAndVideoToVideo() async throws {
        let inputs = try await RenderInputs.make()
        try await withSimulator(SimulatorConfiguration(scale: 0.125)) { sim in
            let reference = try await call(
                .POST, "\(sim.baseURL)/v1/kling-o1-reference-image-to-video",
                json: #"{"prompt":"@Image1 dances","image_urls":["\#(inputs.url("start.png"))"],"duration":10,"aspect_ratio":"1:1"}"#)
            #expect(reference.status == 200, "\(reference.text.prefix(300))")
            let dir = TestCorpus.shared.scratchDirectory("sim-ref")
            let a = try probe(try save(reference.body, "ref.mp4", in: dir))
            #expect(a.width == 180 && a.height == 180 && a.frames == 241 && !a.hasAudio)
            #expect(reference.header("x-cost") == "2.69")

            let v2v = try await call(
                .POST, "\(sim.baseURL)/v1/kling-o1-video-to-video-reference",
                json: #"{"prompt":"restyle @Video1","video_url":"\#(inputs.url("clip.mp4"))","keep_audio":true}"#)
            #expect(v2v.status == 200, "\(v2v.text.prefix(300))")
            let b = try probe(try save(v2v.body, "v2v.mp4", in: dir))
            #expect(b.width == 240 && b.height == 136 && b.frames == 121 && b.hasAudio)

            let imageAsVideo = try await call(
                .POST, "\(sim.baseURL)/v1/kling-o1-video-to-video-reference",
                json: #"{"prompt":"restyle @Video1","video_url":"\#(inputs.url("start.png"))"}"#)
            #expect(imageAsVideo.status == 422)
            #expect((imageAsVideo.json?["error"] as? String)?.contains("a video is required") == true)
        }
        await inputs.server.stop()
    }

    @Test(
        "kling-o1 returns an image in the requested format",
        arguments: [("png", "image/png", [UInt8]([0x89, 0x50, 0x4E, 0x47])), ("jpg", "image/jpeg", [0xFF, 0xD8, 0xFF])])
    func imageModel(format: String, contentType: String, magic: [UInt8]) async throws {
        let inputs = try await RenderInputs.make()
        try await withSimulator(SimulatorConfiguration(scale: 0.25)) { sim in
            let body =
                #"{"prompt":"Merge @Image1 into @Image2","image_urls":["\#(inputs.url("portrait.jpg"))","\#(inputs.url("start.png"))"],"output_format":"\#(format)"}"#
            let v1 = try await call(.POST, "\(sim.baseURL)/v1/kling-o1", json: body)
            #expect(v1.status == 200)
            #expect(v1.header("content-type") == contentType)
            #expect(Array(v1.body.prefix(magic.count)) == magic)
            #expect(v1.header("x-cost") == "0.035")
            let dir = TestCorpus.shared.scratchDirectory("sim-o1")
            let probed = try probe(try save(v1.body, "out.\(format)", in: dir))
            #expect(probed.width == 180 && probed.height == 320, "auto aspect follows @Image1 (9:16)")

            let submit = try await submitV2(sim, "kling-o1", body)
            _ = try await pollUntilTerminal(try #require(submit.json?["status_url"] as? String))
            let result = try await call(.GET, try #require(submit.json?["response_url"] as? String))
            let images = try #require(result.json?["images"] as? [[String: Any]])
            let url = try #require(images.first?["url"] as? String)
            #expect(result.json?["output"] as? String == url)
            #expect(url.hasSuffix("/output.\(format)"))
            let file = try await call(.GET, url, key: nil)
            #expect(file.header("content-type") == contentType)
        }
        await inputs.server.stop()
    }

    @Test("QUEUED, then PROCESSING, then COMPLETED once the latency has passed; rendering counts within it")
    func completedTimeline() async throws {
        let inputs = try await RenderInputs.make()
        let latency = 3.0
        try await withSimulator(SimulatorConfiguration(latency: latency, scale: 0.25)) { sim in
            let submitSent = Date()
            let submit = try await submitV2(sim, "kling-o1", #"{"prompt":"x","image_urls":["\#(inputs.url("start.png"))"]}"#)
            let submitAnswered = Date()
            let statusURL = try #require(submit.json?["status_url"] as? String)
            let responseURL = try #require(submit.json?["response_url"] as? String)
            let early = try await call(.GET, responseURL)
            if Date().timeIntervalSince(submitSent) < latency {
                #expect(["QUEUED", "PROCESSING"].contains(early.json?["status"] as? String ?? ""))
                #expect(early.json?["output"] is NSNull)
            }
            let polls = try await timedPolls(statusURL)
            expectTimeline(polls, submitSent: submitSent, submitAnswered: submitAnswered, latency: latency, terminal: "COMPLETED")
            #expect(polls.contains { $0.status == "PROCESSING" })
            let last = try #require(polls.last?.reply.json)
            #expect(last["output"] == nil, "the status body carries no output")
            #expect((last["metrics"] as? [String: Any])?["cost"] as? Double == 0.035)
            let metrics = try #require(try await call(.GET, responseURL).json?["metrics"] as? [String: Any])
            #expect((metrics["total_time"] as? Double ?? 0) >= latency)
        }
        await inputs.server.stop()
    }

    @Test("Inputs outside Kling's limits end the job FAILED naming the parameter and the limit")
    func inputLimits() async throws {
        let dir = TestCorpus.shared.scratchDirectory("sim-limits")
        let recipes: [(String, [String])] = [
            ("small.png", ["-f", "lavfi", "-i", "testsrc2=s=200x150", "-frames:v", "1"]),
            ("wide.png", ["-f", "lavfi", "-i", "testsrc2=s=960x300", "-frames:v", "1"]),
            ("square.webp", ["-f", "lavfi", "-i", "testsrc2=s=400x400", "-frames:v", "1"]),
            ("short.mp4", ["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=24:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
            ("slow.mp4", ["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=15:d=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
            ("small.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
        ]
        for (name, arguments) in recipes { try ffmpeg(arguments + [dir.appendingPathComponent(name).path]) }
        let server = try await InputServer.start(directory: dir)
        let cases: [(String, String, String)] = [
            ("kling-o1-image-to-video", #"{"prompt":"x","start_image_url":"\#(server.url("small.png"))"}"#, "at least 300 px"),
            ("kling-o3-image2video", #"{"prompt":"x","image_url":"\#(server.url("wide.png"))"}"#, "between 1:2.5 and 2.5:1"),
            ("kling-o1", #"{"prompt":"x","image_urls":["\#(server.url("square.webp"))"]}"#, "JPG or PNG"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"x","video_url":"\#(server.url("short.mp4"))"}"#, "3 to 10 s"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"x","video_url":"\#(server.url("small.mp4"))"}"#, "720 to 2160 px"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"x","video_url":"\#(server.url("slow.mp4"))"}"#, "24 to 60 fps"),
        ]
        try await withSimulator(SimulatorConfiguration(scale: 0.125)) { sim in
            for (slug, body, limit) in cases {
                let reply = try await call(.POST, "\(sim.baseURL)/v1/\(slug)", json: body)
                #expect(reply.status == 422, "\(slug)")
                let message = reply.json?["error"] as? String ?? ""
                #expect(message.contains(limit) && message.contains(server.baseURL), "\(message)")
            }
            #expect(await sim.remainingCredits() == 1000, "failed jobs are not billed")
        }
        await server.stop()
    }

    @Test("A truncate fault sends fewer bytes than Content-Length and closes")
    func truncatedDownload() async throws {
        let inputs = try await RenderInputs.make()
        let faults = try FaultSpec(parsing: "truncate=1")
        try await withSimulator(SimulatorConfiguration(faults: faults, scale: 0.25)) { sim in
            let body = #"{"prompt":"x","image_urls":["\#(inputs.url("start.png"))"]}"#
            let submit = try await submitV2(sim, "kling-o1", body)
            _ = try await pollUntilTerminal(try #require(submit.json?["status_url"] as? String))
            let result = try await call(.GET, try #require(submit.json?["response_url"] as? String))
            let url = try #require(result.json?["output"] as? String)
            await #expect(throws: (any Error).self) { _ = try await call(.GET, url, key: nil) }
            let curl = try runProcess("curl", ["-s", "-o", "/dev/null", "-w", "%{size_download}", url], check: false)
            #expect(curl.status == 18, "curl reports a partial file (exit 18), got \(curl.status)")
            #expect(await sim.requestLog().contains { $0.fault == "truncate" })
        }
        await inputs.server.stop()
    }
}
