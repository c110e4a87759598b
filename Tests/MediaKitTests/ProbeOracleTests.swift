import Foundation
import MediaKit
import MediaTestSupport
import Testing

/// ffprobe's view of a file: `ffprobe -v error -show_streams -show_format -count_frames -of json FILE`.
struct FFprobeOracle {
    var streams: [[String: Any]]
    var format: [String: Any]

    init(path: String) throws {
        let out = try runProcess(
            "ffprobe", ["-v", "error", "-show_streams", "-show_format", "-count_frames", "-of", "json", path])
        let object = try JSONSerialization.jsonObject(with: out.stdout) as? [String: Any] ?? [:]
        streams = object["streams"] as? [[String: Any]] ?? []
        format = object["format"] as? [String: Any] ?? [:]
    }
}

extension Dictionary where Key == String, Value == Any {
    func oracleString(_ key: String) -> String? { self[key] as? String }
    func oracleInt(_ key: String) -> Int? {
        if let i = self[key] as? Int { return i }
        if let s = self[key] as? String { return Int(s) }
        return nil
    }
    func oracleDouble(_ key: String) -> Double? {
        if let s = self[key] as? String { return Double(s) }
        return self[key] as? Double
    }
    /// `rotation` from the stream's Display Matrix side data.
    var oracleSideDataRotation: Int? {
        let list = self["side_data_list"] as? [[String: Any]] ?? []
        return list.first { $0["side_data_type"] as? String == "Display Matrix" }?.oracleInt("rotation")
    }
}

/// ffprobe's `sample_aspect_ratio` "2:1" in our "2/1" form.
func ffprobeRatio(_ text: String?) -> String? { text.map { $0.replacingOccurrences(of: ":", with: "/") } }

@Test(arguments: Fixture.allCases)
func probeAgreesWithFFprobe(_ fixture: Fixture) async throws {
    let path = try await TestCorpus.shared.path(fixture)
    let info = try MediaProbe.probe(path)
    let oracle = try FFprobeOracle(path: path)

    #expect(info.isHealthy, "\(info.problems)")
    #expect(info.format == oracle.format.oracleString("format_name"))
    #expect(info.size == Int64(oracle.format.oracleInt("size") ?? -1))
    #expect(info.isImage == fixture.isImage)
    if let d = oracle.format.oracleDouble("duration") {
        let ours = try #require(info.duration)
        #expect(abs(ours - d) <= 0.001, "format duration \(ours) vs \(d)")
    } else {
        #expect(info.duration == nil)
    }
    #expect(info.bitRate.map(Int.init) == oracle.format.oracleInt("bit_rate"), "format bit_rate")
    if let start = oracle.format.oracleDouble("start_time") {
        #expect(abs((info.startTime ?? .nan) - start) <= 0.000_001, "format start_time")
    }

    #expect(info.streams.count == oracle.streams.count)
    for (ours, theirs) in zip(info.streams, oracle.streams) {
        let label = "\(fixture.rawValue) stream \(ours.index)"
        #expect(ours.index == theirs.oracleInt("index"))
        #expect(ours.codec == theirs.oracleString("codec_name"), "\(label)")
        #expect(ours.profile == theirs.oracleString("profile"), "\(label) profile")
        #expect(ours.timeBase.description == theirs.oracleString("time_base"), "\(label) time_base")
        let tag = theirs.oracleString("codec_tag_string")
        #expect(ours.codecTag == (tag == "[0][0][0][0]" ? nil : tag), "\(label) codec_tag")
        if let start = theirs.oracleDouble("start_time") {
            #expect(abs((ours.startTime ?? .nan) - start) <= 0.000_001, "\(label) start_time")
        }
        if let d = theirs.oracleDouble("duration") {
            #expect(abs((ours.duration ?? .nan) - d) <= 0.001, "\(label) duration \(String(describing: ours.duration)) vs \(d)")
            #expect(!ours.durationFromPackets)
        } else if ours.kind == .video || ours.kind == .audio {
            // The container records no stream duration (Matroska): ours is computed from the packets.
            #expect(ours.durationFromPackets, "\(label)")
        }
        #expect(ours.bitRate.map(Int.init) == theirs.oracleInt("bit_rate"), "\(label) bit_rate")

        switch ours.kind {
        case .video:
            #expect(theirs.oracleString("codec_type") == "video")
            let v = try #require(ours.video)
            #expect(v.width == theirs.oracleInt("width") && v.height == theirs.oracleInt("height"), "\(label) size")
            #expect(v.pixFmt == theirs.oracleString("pix_fmt"), "\(label) pix_fmt")
            #expect(v.colorRange == theirs.oracleString("color_range"), "\(label) color_range")
            #expect(v.colorSpace == theirs.oracleString("color_space"), "\(label) color_space")
            #expect(v.colorPrimaries == theirs.oracleString("color_primaries"), "\(label) color_primaries")
            #expect(v.colorTransfer == theirs.oracleString("color_transfer"), "\(label) color_transfer")
            #expect(v.frameRate?.description == theirs.oracleString("avg_frame_rate"), "\(label) avg_frame_rate")
            #expect(v.realFrameRate?.description == theirs.oracleString("r_frame_rate"), "\(label) r_frame_rate")
            #expect(v.frameCount == theirs.oracleInt("nb_read_frames"), "\(label) frame_count")
            #expect(v.videoDelay == theirs.oracleInt("has_b_frames"), "\(label) has_b_frames")
            #expect(v.hasBFrames == ((theirs.oracleInt("has_b_frames") ?? 0) > 0))
            #expect(v.rotation == (theirs.oracleSideDataRotation ?? 0), "\(label) rotation")
            if let bits = theirs.oracleInt("bits_per_raw_sample") { #expect(v.bitDepth == bits, "\(label) bits_per_raw_sample") }
            if let level = theirs.oracleInt("level"), level != -99 { #expect(v.level == level, "\(label) level") }
            if let sar = ffprobeRatio(theirs.oracleString("sample_aspect_ratio")) { #expect(v.sar?.description == sar, "\(label) sar") }
            #expect((v.keyframeCount ?? 0) >= 1)
            #expect((v.keyframeCount ?? 0) <= (v.frameCount ?? 0) + 1)
        case .audio:
            #expect(theirs.oracleString("codec_type") == "audio")
            let a = try #require(ours.audio)
            #expect(a.sampleRate == theirs.oracleInt("sample_rate"), "\(label) sample_rate")
            #expect(a.channels == theirs.oracleInt("channels"), "\(label) channels")
            #expect(a.channelLayout == theirs.oracleString("channel_layout"), "\(label) channel_layout")
            #expect(a.sampleFmt == theirs.oracleString("sample_fmt"), "\(label) sample_fmt")
            #expect(a.frameCount == theirs.oracleInt("nb_read_frames"), "\(label) frame_count")
        case .image:
            let i = try #require(ours.image)
            #expect(i.width == theirs.oracleInt("width") && i.height == theirs.oracleInt("height"), "\(label) size")
            #expect(i.pixFmt == theirs.oracleString("pix_fmt"), "\(label) pix_fmt")
            if let bits = theirs.oracleInt("bits_per_raw_sample") { #expect(i.bitDepth == bits, "\(label) bits") }
        case .other:
            break
        }
    }
}

/// The fixtures' own descriptions (TestCorpus) as a second, independent check on the numbers that matter most.
@Test func probeReportsTheFixtureRecipes() async throws {
    let bframes = try MediaProbe.probe(try await TestCorpus.shared.path(.bframesAAC))
    let v = try #require(bframes.video?.video)
    #expect(v.width == 1280 && v.height == 720 && v.frameCount == 121 && v.keyframeCount == 3)
    #expect(v.frameRate == Rational(24, 1) && v.hasBFrames && v.rotation == 0)
    #expect(bframes.audio?.audio?.sampleRate == 48000 && bframes.audio?.audio?.channels == 2)

    let rotated = try #require(try MediaProbe.probe(try await TestCorpus.shared.path(.rotated90)).video?.video)
    #expect(rotated.rotation == 90 || rotated.rotation == -90 || rotated.rotation == 270)
    #expect(rotated.width == 1280 && rotated.displayWidth == 720 && rotated.displayHeight == 1280)

    let odd = try #require(try MediaProbe.probe(try await TestCorpus.shared.path(.oddDimensions)).video?.video)
    #expect(odd.width == 321 && odd.height == 241 && odd.pixFmt == "yuv444p" && odd.frameCount == 24)

    let anamorphic = try #require(try MediaProbe.probe(try await TestCorpus.shared.path(.anamorphic)).video?.video)
    #expect(anamorphic.sar == Rational(2, 1))
    #expect(anamorphic.width == 320 && anamorphic.displayWidth == 640 && anamorphic.displayHeight == 240)

    let hevc = try #require(try MediaProbe.probe(try await TestCorpus.shared.path(.hevc10bit)).video?.video)
    #expect(hevc.pixFmt == "yuv420p10le" && hevc.bitDepth == 10 && hevc.frameCount == 48)

    let webm = try MediaProbe.probe(try await TestCorpus.shared.path(.vp9Opus))
    let webmVideo = try #require(webm.video)
    #expect(webmVideo.video?.frameCount == 48)
    // Computed from packets (Matroska stores no stream duration): 48 frames at 24 fps, to the millisecond time base.
    #expect(abs((webmVideo.duration ?? 0) - 2.0) <= 0.002)

    let fragmented = try #require(try MediaProbe.probe(try await TestCorpus.shared.path(.fragmented)).video?.video)
    #expect(fragmented.frameCount == 72)

    let longerAudio = try MediaProbe.probe(try await TestCorpus.shared.path(.audioLonger))
    #expect(abs((longerAudio.video?.duration ?? 0) - 4.0) <= 0.001)
    #expect((longerAudio.audio?.duration ?? 0) > 5.4)
    #expect(longerAudio.video?.video?.frameCount == 96)

    let alpha = try MediaProbe.probe(try await TestCorpus.shared.path(.pngRGBA))
    #expect(alpha.isImage && alpha.image?.image?.hasAlpha == true && alpha.image?.image?.pixFmt == "rgba")
    let opaque = try MediaProbe.probe(try await TestCorpus.shared.path(.pngRGB))
    #expect(opaque.image?.image?.hasAlpha == false)
    let webpAlpha = try MediaProbe.probe(try await TestCorpus.shared.path(.webpAlpha))
    #expect(webpAlpha.image?.image?.hasAlpha == true)
}

/// Keyframe counts against the K flags of every packet ffprobe reads (edit-list-hidden packets included).
@Test(arguments: [Fixture.bframesAAC, .editListCut, .singleKeyframe, .fragmented, .vp9Opus, .alphaMov, .hevc10bit])
func keyframeCountMatchesPacketFlags(_ fixture: Fixture) async throws {
    let path = try await TestCorpus.shared.path(fixture)
    let out = try runProcess(
        "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", path])
    let keys = out.stdoutText.split(separator: "\n").filter { $0.contains("K") }.count
    let info = try MediaProbe.probe(path)
    #expect(info.video?.video?.keyframeCount == keys)
}

/// First and last displayed pts against the pts of ffprobe's decoded frames.
@Test(arguments: [Fixture.bframesAAC, .editListCut, .variableFrameRate, .vp9Opus, .fragmented, .singleKeyframe])
func firstAndLastPtsMatchDecodedFrames(_ fixture: Fixture) async throws {
    let path = try await TestCorpus.shared.path(fixture)
    let out = try runProcess(
        "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts", "-of", "csv=p=0", path])
    // csv lines look like "512," (a trailing separator); side-data lines are blank.
    let pts = out.stdoutText.split(separator: "\n").compactMap { line in
        line.split(separator: ",").first.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }
    #expect(pts.count >= 24)
    let video = try #require(try MediaProbe.probe(path).video)
    #expect(video.firstPts == pts.min())
    #expect(video.lastPts == pts.max())
}

@Test func editListCutCountsDisplayedFramesNotSamples() async throws {
    let path = try await TestCorpus.shared.path(.editListCut)
    let oracle = try FFprobeOracle(path: path)
    let video = try #require(try MediaProbe.probe(path).video?.video)
    let readFrames = try #require(oracle.streams.first?.oracleInt("nb_read_frames"))
    let samples = try #require(oracle.streams.first?.oracleInt("nb_frames"))
    #expect(samples == 121)
    #expect(readFrames < samples)
    #expect(video.frameCount == readFrames)
    #expect((80...90).contains(video.frameCount ?? 0))
}

@Test func probeResultRoundTripsThroughJSON() async throws {
    for fixture in [Fixture.bframesAAC, .pngRGBA, .vp9Opus] {
        let info = try MediaProbe.probe(try await TestCorpus.shared.path(fixture))
        let data = try JSONEncoder().encode(info)
        let back = try JSONDecoder().decode(MediaInfo.self, from: data)
        #expect(back == info)
    }
}

@Test func coverArtIsAnImageStreamAndTheVideoIsStillCounted() async throws {
    let video = try await TestCorpus.shared.path(.bframesAAC)
    let cover = try await TestCorpus.shared.path(.pngRGB)
    let out = TestCorpus.shared.scratchDirectory("probe-cover").appendingPathComponent("with_cover.mp4").path
    try ffmpeg(["-i", video, "-i", cover, "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:1", "attached_pic", out])
    let info = try MediaProbe.probe(out)
    #expect(info.isHealthy, "\(info.problems)")
    #expect(info.streams.map(\.kind) == [.video, .audio, .image])
    #expect(info.video?.video?.frameCount == 121)
    let image = try #require(info.image?.image)
    #expect(image.width == 200 && image.height == 150 && image.pixFmt == "rgb24")
}
