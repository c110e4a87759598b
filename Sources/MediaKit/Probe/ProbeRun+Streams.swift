import CFFmpeg

extension ProbeRun {
    // MARK: Assembling the answer

    func streamInfo(_ i: Int, kind: StreamKind, tally: Tally?, facts: DecodedFacts?, pngHeader: FileHeaders.PNGHeader?) -> StreamInfo {
        let st = container.stream(i)
        let par = st.pointee.codecpar.pointee
        let tb = st.pointee.time_base
        let profileValue = facts.map { $0.profile != FF_PROFILE_UNKNOWN ? $0.profile : par.profile } ?? par.profile
        let profile = profileValue == FF_PROFILE_UNKNOWN ? nil : ffString(avcodec_profile_name(par.codec_id, profileValue))
        var info = StreamInfo(
            index: i, kind: kind, codec: codecName(i), profile: profile, codecTag: fourCC(par.codec_tag),
            timeBase: Rational(tb), startTime: seconds(st.pointee.start_time, tb),
            duration: st.pointee.duration > 0 ? seconds(st.pointee.duration, tb) : nil,
            bitRate: par.bit_rate > 0 ? par.bit_rate : nil)
        if let tally {
            info.firstPts = tally.minPts ?? (st.pointee.start_time != cff_AV_NOPTS_VALUE ? st.pointee.start_time : nil)
            info.lastPts = tally.maxPts
            if info.duration == nil, let first = tally.minPts, let last = tally.maxPts {
                info.duration = seconds(last + tally.durationOfMaxPts - first, tb)
                info.durationFromPackets = true
            }
            if info.startTime == nil, let first = tally.minPts { info.startTime = seconds(first, tb) }
        }
        switch kind {
        case .video: info.video = videoInfo(i, tally: tally, facts: facts)
        case .audio: info.audio = audioInfo(i, tally: tally, facts: facts)
        case .image: info.image = imageInfo(i, facts: facts, pngHeader: pngHeader)
        case .other: break
        }
        return info
    }

    func videoInfo(_ i: Int, tally: Tally?, facts: DecodedFacts?) -> VideoInfo {
        let st = container.stream(i)
        let par = st.pointee.codecpar.pointee
        let width = Int(par.width > 0 ? par.width : Int32(facts?.width ?? 0))
        let height = Int(par.height > 0 ? par.height : Int32(facts?.height ?? 0))
        var sarValue = av_guess_sample_aspect_ratio(ctx, st, nil)
        if sarValue.num <= 0 || sarValue.den <= 0, let s = facts?.sar { sarValue = s }
        let sar = sarValue.num > 0 && sarValue.den > 0 ? Rational(sarValue) : nil
        var rotation = 0
        if let matrix = cff_stream_display_matrix(st) {
            let degrees = av_display_rotation_get(matrix)
            if degrees.isFinite { rotation = Int(degrees) }
        }
        var displayWidth = width
        var displayHeight = height
        if let sar, sar.num != sar.den {
            displayWidth = Int((Double(width) * Double(sar.num) / Double(sar.den)).rounded())
        }
        let quarterTurns = Int((Double(rotation) / 90).rounded())
        if quarterTurns % 2 != 0 { swap(&displayWidth, &displayHeight) }

        let pixFmt = facts?.pixelFormat ?? (par.format >= 0 ? pixelFormatName(AVPixelFormat(rawValue: par.format)) : nil)
        let rawBits =
            facts.map { $0.bitsPerRawSample > 0 ? $0.bitsPerRawSample : Int(par.bits_per_raw_sample) }
            ?? Int(par.bits_per_raw_sample)
        let level = facts.map { $0.level != FF_LEVEL_UNKNOWN ? $0.level : par.level } ?? par.level
        var video = VideoInfo(
            width: width, height: height, displayWidth: displayWidth, displayHeight: displayHeight, rotation: rotation,
            sar: sar, pixFmt: pixFmt, bitDepth: rawBits > 0 ? rawBits : pixFmt.flatMap(pixelDepth),
            colorRange: facts?.colorRange ?? colorRangeName(par.color_range),
            colorSpace: facts?.colorSpace ?? colorSpaceName(par.color_space),
            colorPrimaries: facts?.colorPrimaries ?? colorPrimariesName(par.color_primaries),
            colorTransfer: facts?.colorTransfer ?? colorTransferName(par.color_trc),
            frameRate: validRational(st.pointee.avg_frame_rate), realFrameRate: validRational(st.pointee.r_frame_rate),
            frameCount: tally?.frames, keyframeCount: tally?.keyframes,
            videoDelay: max(Int(par.video_delay), facts?.videoDelay ?? 0),
            level: level == FF_LEVEL_UNKNOWN ? nil : Int(level))
        video.hasBFrames = video.videoDelay > 0
        return video
    }

    func audioInfo(_ i: Int, tally: Tally?, facts: DecodedFacts?) -> AudioInfo {
        let par = container.stream(i).pointee.codecpar!
        let sampleRate = facts?.sampleRate ?? Int(par.pointee.sample_rate)
        let channels = facts?.channels ?? Int(par.pointee.ch_layout.nb_channels)
        let layout = facts?.channelLayout ?? describeLayout(&par.pointee.ch_layout)
        let sampleFmt =
            facts?.sampleFormat
            ?? (par.pointee.format >= 0 ? ffString(av_get_sample_fmt_name(AVSampleFormat(rawValue: par.pointee.format))) : nil)
        return AudioInfo(sampleRate: sampleRate, channels: channels, channelLayout: layout, sampleFmt: sampleFmt, frameCount: tally?.frames)
    }

    func imageInfo(_ i: Int, facts: DecodedFacts?, pngHeader: FileHeaders.PNGHeader?) -> ImageInfo {
        let par = container.stream(i).pointee.codecpar.pointee
        var width = Int(par.width > 0 ? par.width : Int32(facts?.width ?? 0))
        var height = Int(par.height > 0 ? par.height : Int32(facts?.height ?? 0))
        let pixFmt = facts?.pixelFormat ?? (par.format >= 0 ? pixelFormatName(AVPixelFormat(rawValue: par.format)) : nil)
        let rawBits = max(facts?.bitsPerRawSample ?? 0, Int(par.bits_per_raw_sample))
        var image = ImageInfo(
            width: width, height: height, pixFmt: pixFmt, hasAlpha: pixFmt.map(pixelFormatHasAlpha) ?? false,
            bitDepth: rawBits > 0 ? rawBits : pixFmt.flatMap(pixelDepth))
        if let pngHeader, width == 0 || height == 0 {
            width = pngHeader.width
            height = pngHeader.height
            image = ImageInfo(width: width, height: height, pixFmt: pixFmt, hasAlpha: pngHeader.hasAlpha, bitDepth: pngHeader.bitDepth)
        }
        return image
    }

    func makeInfo(format: String, isImage: Bool, streams: [StreamInfo]) -> MediaInfo {
        let ic = ctx.pointee
        let duration = ic.duration != cff_AV_NOPTS_VALUE && ic.duration > 0 ? Double(ic.duration) / Double(AV_TIME_BASE) : nil
        var startTime: Double? = ic.start_time != cff_AV_NOPTS_VALUE ? Double(ic.start_time) / Double(AV_TIME_BASE) : nil
        if startTime == nil { startTime = streams.compactMap(\.startTime).min() }
        var bitRate: Int64? = ic.bit_rate > 0 ? ic.bit_rate : nil
        if bitRate == nil, ic.duration != cff_AV_NOPTS_VALUE, ic.duration > 0 {
            // What libavformat's update_stream_timings computes (and ffprobe prints) when the container gives none.
            bitRate = Int64(Double(fileSize) * 8.0 * Double(AV_TIME_BASE) / Double(ic.duration))
        }
        var info = MediaInfo(
            path: path, format: format, formatLongName: ffString(ic.iformat.pointee.long_name), size: fileSize,
            duration: duration, startTime: startTime, bitRate: bitRate, isImage: isImage, truncated: truncated,
            decodable: decodable, problems: problems, streams: streams)
        info.pixelLimitExceeded = pixelLimitExceeded
        return info
    }

    func detail(of error: any Error) -> String {
        if case MediaError.decodeFailed(_, let d) = error { return d }
        return "\(error)"
    }
}
