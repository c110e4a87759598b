import CFFmpeg

/// Why a smart cut is not possible (the trim then re-encodes fully).
struct SmartCutRefusal: Error {
    var text: String
}

/// Where a smart cut splits the output: re-encoded head [first, headEnd), copied GOPs [headEnd, tailStart),
/// re-encoded tail [tailStart, end), where `end` is just after the last frame's presentation time; the video
/// ends at `videoEnd` (the last frame's time plus one frame).
struct SmartCutPlan {
    var first: Int64
    var headEnd: Int64
    var tailStart: Int64
    var end: Int64
    var videoEnd: Int64
    var configuration: AVCConfig

    /// Plans a smart cut of the frames in [first, end), or says why there is none.
    static func make(_ source: TrimSource, from first: Int64, through last: Int64, options: TrimOptions) -> Result<SmartCutPlan, SmartCutRefusal> {
        let end = last + 1
        let videoEnd = last + source.frameDuration
        func no(_ text: String) -> Result<SmartCutPlan, SmartCutRefusal> { .failure(SmartCutRefusal(text: text)) }
        guard options.allowSmartCut else { return no("smart cut is disabled") }
        guard source.duration > options.smartCutMinimumDuration else {
            return no("the input is short (\(decimalText(source.duration)) s ≤ \(decimalText(options.smartCutMinimumDuration)) s)")
        }
        let par = source.videoParameters.pointee
        guard par.codec_id == AV_CODEC_ID_H264 else { return no("the video is not H.264") }
        guard let configuration = AVCConfig(parameters: par) else { return no("the H.264 parameter sets are not in an avcC record") }
        guard configuration.freeParameterSetID() != nil else {
            return no("the avcC record has no free parameter set id or no room for one more")
        }
        guard par.width % 2 == 0, par.height % 2 == 0 else { return no("the size \(par.width)x\(par.height) is odd") }
        let closed = source.closedKeyframes
        guard let headEnd = closed.first(where: { $0 >= first }) else { return no("no closed-GOP keyframe after the start") }
        let tailStart = videoEnd >= source.endPts ? source.endPts : (closed.last(where: { $0 <= end }) ?? first)
        guard headEnd < tailStart else { return no("no whole GOP lies inside the range") }
        // Copied GOPs must start at IDR pictures: after a non-IDR I picture, P pictures may refer to earlier frames.
        for key in [headEnd, tailStart] where key < source.endPts {
            guard isIDR(source, key: key, lengthSize: configuration.lengthSize) else {
                return no("the keyframe at \(decimalText(source.seconds(key))) s is not an IDR picture")
            }
        }
        return .success(
            SmartCutPlan(first: first, headEnd: headEnd, tailStart: tailStart, end: end, videoEnd: videoEnd, configuration: configuration))
    }

    static func isIDR(_ source: TrimSource, key: Int64, lengthSize: Int) -> Bool {
        guard let container = try? InputContainer(path: source.path) else { return false }
        container.discardAll(except: [source.videoIndex])
        guard (try? container.seek(stream: source.videoIndex, to: key, backward: true)) != nil else { return false }
        let packet = Packet()
        while (try? container.read(into: packet)) == true {
            guard packet.streamIndex == source.videoIndex, packet.isKeyframe, packet.pts == key else { continue }
            let data = UnsafeBufferPointer(start: packet.pointer.pointee.data, count: packet.size)
            return AVCConfig.lengthPrefixedUnits(data, lengthSize: lengthSize).contains { data[$0.lowerBound] & 0x1F == 5 }
        }
        return false
    }
}

/// Runs a smart cut: the partial GOPs at both ends are re-encoded by one `SpliceEncoder` (no B-frames, an IDR
/// first, SPS/PPS under an id of their own, added to the source's avcC record) and the GOPs between them are copied.
enum SmartCut {
    /// One re-encoded part: its packets (length-prefixed, output time line).
    struct Part {
        var packets: [Packet] = []
        var frames = 0
    }

    static func run(_ source: TrimSource, plan: SmartCutPlan, output: String, options: TrimOptions, result: inout TrimResult) throws {
        var splice: SpliceEncoder?
        // Made from the first re-encoded frame (its picture), shared by the head and the tail.
        func encoder(for frame: Frame) throws -> SpliceEncoder {
            if let splice { return splice }
            do {
                let made = try SpliceEncoder(
                    source: plan.configuration, setup: source.encoderSetup(first: frame, options: options), path: output, keepProbe: true)
                splice = made
                return made
            } catch let error as SpliceUnavailable {
                throw MediaError.encodeFailed(path: output, detail: error.reason)
            }
        }
        let origin = plan.first
        let head = try encode(
            source, range: plan.first..<plan.headEnd, origin: origin, dtsDelay: delay(source, key: plan.headEnd), encoder: encoder)
        let tail = try encode(
            source, range: plan.tailStart..<plan.end, origin: origin, dtsDelay: delay(source, key: plan.tailStart), encoder: encoder)

        let muxer = try TrimMuxer(path: output)
        try muxer.addCopiedVideo(source: source, extradata: (splice?.configuration ?? plan.configuration).bytes)
        try Trimmer.addAudio(source, muxer: muxer, start: plan.first, end: plan.videoEnd, copy: options.copyAudio, result: &result)
        try muxer.writeHeader()
        for p in head.packets { try muxer.writeVideo(p) }
        let copied = try Trimmer.copyPackets(source, from: plan.headEnd, to: plan.tailStart, origin: origin, muxer: muxer)
        for p in tail.packets { try muxer.writeVideo(p) }
        try muxer.finish()

        let expected = source.visiblePts.filter { $0 >= plan.first && $0 < plan.end }.count
        let frames = head.frames + copied + tail.frames
        guard frames == expected else {  // the frame count the source shows in the range
            throw MediaError.unconfirmedFrame(path: source.path, detail: "smart cut wrote \(frames) frames, expected \(expected)")
        }
        result.method = .smartCut
        result.frames = frames
        result.reencodedFrames = head.frames + tail.frames
        result.copiedFrames = copied
        result.videoDuration = source.seconds(plan.videoEnd) - source.seconds(plan.first)
    }

    /// The reorder delay (pts - dts) of the keyframe at `key`, so re-encoded parts continue its DTS line.
    static func delay(_ source: TrimSource, key: Int64) -> Int64 {
        guard let p = source.packets.first(where: { $0.isKeyframe && $0.pts == key }) else { return 0 }
        return max(0, p.pts - p.dts)
    }

    /// Decodes the frames in `range` and re-encodes them as one closed part without B-frames.
    static func encode(
        _ source: TrimSource, range: Range<Int64>, origin: Int64, dtsDelay: Int64, encoder: (Frame) throws -> SpliceEncoder
    ) throws -> Part {
        var part = Part()
        guard !range.isEmpty, range.lowerBound < source.endPts else { return part }
        var session: SpliceEncoder.Session?
        func keep(_ packet: Packet) {
            let p = packet.pointer
            p.pointee.dts = p.pointee.pts - dtsDelay
            if p.pointee.duration <= 0 { p.pointee.duration = source.frameDuration }
            part.packets.append(packet)
        }
        part.frames = try TrimFrameReader.frames(of: source, in: range) { frame in
            let current = try session ?? encoder(frame).begin()
            session = current
            try current.send(frame, pts: frame.bestEffortTimestamp - origin, into: keep)
        }
        try session?.finish(into: keep)
        return part
    }
}
