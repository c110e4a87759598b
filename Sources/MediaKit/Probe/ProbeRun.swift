import CFFmpeg

/// One probe of one open file. Not `Sendable`: it drives a non-Sendable `InputContainer`.
final class ProbeRun {
    let container: InputContainer
    let options: ProbeOptions
    var problems: [String] = []
    var truncated = false
    var decodable = true
    var pixelLimitExceeded: Int?

    init(container: InputContainer, options: ProbeOptions) {
        self.container = container
        self.options = options
    }

    var path: String { container.path }
    var fileSize: Int64 { container.fileSize }
    var ctx: UnsafeMutablePointer<AVFormatContext> { container.context }

    /// Per-stream counts gathered from the index or from demuxing.
    struct Tally {
        var frames = 0
        var keyframes = 0
        var minPts: Int64?
        var maxPts: Int64?
        var durationOfMaxPts: Int64 = 0

        mutating func add(pts: Int64, duration: Int64) {
            if pts == cff_AV_NOPTS_VALUE { return }
            if minPts == nil || pts < minPts! { minPts = pts }
            if maxPts == nil || pts >= maxPts! {
                maxPts = pts
                durationOfMaxPts = duration
            }
        }
    }

    func probe() throws -> MediaInfo {
        let format = container.formatName
        let isMOV = format.hasPrefix("mov,")
        let isImageFormat = format == "image2" || format.hasSuffix("_pipe")
        let fragmented = isMOV && FileHeaders.isFragmentedMP4(path: path, fileSize: fileSize)
        let fromIndex = isMOV && !fragmented && headerIsComplete()
        if !fromIndex { try findStreamInfo() }

        let kinds = (0..<container.streamCount).map { kind(of: $0, imageFormat: isImageFormat) }
        let counted = Set(kinds.indices.filter { kinds[$0] == .video || kinds[$0] == .audio })
        let decodedKinds: Set<StreamKind> = [.video, .audio, .image]

        // Images: check the declared size against the pixel limit before anything decodes them.
        var imageHeaders: [Int: FileHeaders.PNGHeader] = [:]
        var skipDecode = Set<Int>()
        for i in kinds.indices where kinds[i] == .image || kinds[i] == .video {
            let par = container.stream(i).pointee.codecpar.pointee
            var w = Int(par.width)
            var h = Int(par.height)
            if w == 0 || h == 0, par.codec_id == AV_CODEC_ID_PNG, let header = FileHeaders.pngHeader(path: path) {
                imageHeaders[i] = header
                w = header.width
                h = header.height
            }
            if w * h > options.pixelLimit {
                skipDecode.insert(i)
                pixelLimitExceeded = options.pixelLimit
                decodable = false
                problems.append("stream \(i): \(w)x\(h) is \(w * h) pixels, above the limit of \(options.pixelLimit); not decoded")
            }
        }

        // Counts, timestamps and truncation.
        var tallies: [Int: Tally] = [:]
        let decoders = FirstFrames(
            container: container, streams: kinds.indices.filter { decodedKinds.contains(kinds[$0]) && !skipDecode.contains($0) },
            pixelLimit: options.pixelLimit)
        if fromIndex {
            for i in counted.sorted() { tallies[i] = tallyFromIndex(stream: i) }
            scan(counting: [], decoders: decoders, tallies: &tallies)
            for i in counted where kinds[i] == .video {
                if let (pts, duration) = lastVideoPts(stream: i) {
                    tallies[i]?.maxPts = pts
                    tallies[i]?.durationOfMaxPts = duration
                }
            }
        } else {
            for i in counted.sorted() { checkIndexBounds(stream: i) }
            scan(counting: counted, decoders: decoders, tallies: &tallies)
        }
        decoders.finish()
        for (i, failure) in decoders.failures.sorted(by: { $0.key < $1.key }) {
            decodable = false
            problems.append("stream \(i) (\(codecName(i))): \(failure)")
        }

        var streams: [StreamInfo] = []
        for i in kinds.indices {
            streams.append(
                streamInfo(i, kind: kinds[i], tally: tallies[i], facts: decoders.facts[i], pngHeader: imageHeaders[i]))
        }
        if format.hasPrefix("matroska") { checkPacketsCoverDuration(streams) }
        if streams.isEmpty {
            throw MediaError.unrecognizedFormat(path: path, reason: "no streams")
        }
        if isImageFormat, let image = streams.first?.image, image.width == 0 || image.height == 0 {
            let reason = decoders.failures.values.first ?? "no picture data"
            throw MediaError.unrecognizedFormat(path: path, reason: "not a readable image: \(reason)")
        }
        return makeInfo(format: format, isImage: isImageFormat, streams: streams)
    }

    // MARK: Opening

    /// True when the MP4/MOV header describes every audio/video stream well enough to skip find_stream_info.
    func headerIsComplete() -> Bool {
        if ctx.pointee.duration <= 0 { return false }
        for i in 0..<container.streamCount {
            let st = container.stream(i)
            let par = st.pointee.codecpar.pointee
            // Cover art has no samples in the index; it is decoded like any image.
            if st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { continue }
            switch par.codec_type {
            case AVMEDIA_TYPE_VIDEO:
                if par.codec_id == AV_CODEC_ID_NONE || par.width <= 0 || par.height <= 0 { return false }
            case AVMEDIA_TYPE_AUDIO:
                if par.codec_id == AV_CODEC_ID_NONE || par.sample_rate <= 0 || par.ch_layout.nb_channels <= 0 { return false }
            default:
                continue
            }
            if st.pointee.duration == cff_AV_NOPTS_VALUE || st.pointee.duration <= 0 { return false }
            if avformat_index_get_entries_count(st) <= 0 { return false }
        }
        return true
    }

    /// `avformat_find_stream_info` with the decoders limited to `pixelLimit` pixels per picture.
    func findStreamInfo() throws {
        let n = container.streamCount
        var dicts = [OpaquePointer?](repeating: nil, count: max(n, 1))
        for i in 0..<n { av_dict_set(&dicts[i], "max_pixels", String(options.pixelLimit), 0) }
        let code = dicts.withUnsafeMutableBufferPointer { avformat_find_stream_info(ctx, $0.baseAddress) }
        for i in 0..<n { av_dict_free(&dicts[i]) }
        if code < 0 {
            throw MediaError.unrecognizedFormat(path: path, reason: "cannot read stream information: \(ffErrorString(code))")
        }
    }

    func kind(of index: Int, imageFormat: Bool) -> StreamKind {
        let st = container.stream(index)
        switch st.pointee.codecpar.pointee.codec_type {
        case AVMEDIA_TYPE_VIDEO:
            if imageFormat || st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { return .image }
            return .video
        case AVMEDIA_TYPE_AUDIO: return .audio
        default: return .other
        }
    }

    func codecName(_ index: Int) -> String {
        let id = container.stream(index).pointee.codecpar.pointee.codec_id
        guard let descriptor = avcodec_descriptor_get(id) else { return "unknown" }
        return ffString(descriptor.pointee.name) ?? "unknown"
    }

    // MARK: Index

    /// Frame and keyframe counts from the demuxer index (MP4/MOV): entries an edit list hides are left out of
    /// `frames`; entries whose bytes are past the end of the file are left out and flag the file as truncated.
    func tallyFromIndex(stream i: Int) -> Tally {
        let entries = container.indexEntries(stream: i)
        var tally = Tally()
        var missing = 0
        var furthest: Int64 = 0
        for e in entries {
            let end = e.pos + Int64(e.size)
            if end > fileSize {
                missing += 1
                furthest = max(furthest, end)
                continue
            }
            if e.isKeyframe { tally.keyframes += 1 }
            if !e.isDiscarded { tally.frames += 1 }
        }
        if missing > 0 { flagTruncated(stream: i, missing: missing, of: entries.count, furthest: furthest) }
        let st = container.stream(i)
        if st.pointee.start_time != cff_AV_NOPTS_VALUE { tally.minPts = st.pointee.start_time }
        // Audio has no reordering: its last shown packet's DTS is its PTS.
        if st.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO,
            let last = entries.last(where: { !$0.isDiscarded && $0.pos + Int64($0.size) <= fileSize })
        {
            tally.maxPts = last.timestamp
        }
        return tally
    }

    /// Flags truncation when any index entry points past the end of the file (for indexes that are not counted).
    func checkIndexBounds(stream i: Int) {
        let entries = container.indexEntries(stream: i)
        let beyond = entries.filter { $0.pos + Int64($0.size) > fileSize }
        if !beyond.isEmpty {
            flagTruncated(stream: i, missing: beyond.count, of: entries.count, furthest: beyond.map { $0.pos + Int64($0.size) }.max()!)
        }
    }

    func flagTruncated(stream i: Int, missing: Int, of total: Int, furthest: Int64) {
        truncated = true
        problems.append(
            "stream \(i): \(missing) of \(total) indexed packets lie past the end of the file (the index reaches byte \(furthest), the file has \(fileSize) bytes)"
        )
    }

    /// The largest PTS of a shown packet of video stream `i`, read from the last keyframe to the end of the file.
    func lastVideoPts(stream i: Int) -> (Int64, Int64)? {
        let keys = container.indexEntries(stream: i).filter { $0.isKeyframe && $0.pos + Int64($0.size) <= fileSize }
        guard let lastKey = keys.last else { return nil }
        container.discardAll(except: [i])
        guard (try? container.seek(stream: i, to: lastKey.timestamp, backward: true)) != nil else { return nil }
        let packet = Packet()
        var tally = Tally()
        while (try? container.read(into: packet)) == true {
            if packet.streamIndex == i && !packet.isDiscarded { tally.add(pts: packet.pts, duration: packet.duration) }
        }
        guard let maxPts = tally.maxPts else { return nil }
        return (maxPts, tally.durationOfMaxPts)
    }

    // MARK: Demuxing

    /// Reads packets from the current position. Streams in `counting` are tallied to the end of the file;
    /// the first frame of each decoder's stream is decoded. Without streams to count, reading stops as soon
    /// as every decoder has its frame.
    func scan(counting: Set<Int>, decoders: FirstFrames, tallies: inout [Int: Tally]) {
        let keep = counting.union(decoders.pending)
        if keep.isEmpty { return }
        container.discardAll(except: keep)
        for i in counting { tallies[i] = Tally() }
        let packet = Packet()
        var packetsRead = 0
        while true {
            if counting.isEmpty && (decoders.pending.isEmpty || packetsRead > 4096) { break }
            let more: Bool
            do {
                more = try container.read(into: packet)
            } catch {
                if !counting.isEmpty {
                    truncated = true
                    problems.append("reading stopped after \(packetsRead) packets: \(detail(of: error))")
                }
                break
            }
            if !more { break }
            packetsRead += 1
            let s = packet.streamIndex
            if counting.contains(s) {
                if packet.isKeyframe { tallies[s]?.keyframes += 1 }
                if !packet.isDiscarded {
                    tallies[s]?.frames += 1
                    tallies[s]?.add(pts: packet.pts, duration: packet.duration)
                }
            }
            decoders.feed(packet)
        }
    }

    /// Matroska records the duration in its header; packets that end well before it mean the file was cut.
    func checkPacketsCoverDuration(_ streams: [StreamInfo]) {
        guard ctx.pointee.duration > 0, !truncated else { return }
        let header = Double(ctx.pointee.duration) / Double(AV_TIME_BASE)
        let ends = streams.compactMap { s -> Double? in
            guard let start = s.startTime, let d = s.duration, s.kind == .video || s.kind == .audio else { return nil }
            return start + d
        }
        guard let end = ends.max(), end < header - max(0.5, header * 0.1) else { return }
        truncated = true
        problems.append("packets stop at \(MediaInfo.seconds(end)) s but the header says the file lasts \(MediaInfo.seconds(header)) s")
    }

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

// MARK: - Names

/// The four-character code as ffprobe's `codec_tag_string` spells it; nil for 0.
func fourCC(_ tag: UInt32) -> String? {
    if tag == 0 { return nil }
    var text = ""
    for shift in stride(from: 0, to: 32, by: 8) {
        let c = UInt8((tag >> UInt32(shift)) & 0xFF)
        let scalar = Unicode.Scalar(c)
        let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x20 || c == 0x2D
        text += ok ? String(Character(scalar)) : "[\(c)]"
    }
    return text
}

func validRational(_ r: AVRational) -> Rational? {
    r.num > 0 && r.den > 0 ? Rational(r) : nil
}

func pixelFormatName(_ format: AVPixelFormat) -> String? {
    format == AV_PIX_FMT_NONE ? nil : ffString(av_get_pix_fmt_name(format))
}

func pixelDepth(_ name: String) -> Int? {
    let format = av_get_pix_fmt(name)
    guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else { return nil }
    return Int(desc.pointee.comp.0.depth)
}

func pixelFormatHasAlpha(_ name: String) -> Bool {
    let format = av_get_pix_fmt(name)
    guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else { return false }
    return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0
}

func colorRangeName(_ value: AVColorRange) -> String? {
    value == AVCOL_RANGE_UNSPECIFIED ? nil : ffString(av_color_range_name(value))
}

func colorSpaceName(_ value: AVColorSpace) -> String? {
    value == AVCOL_SPC_UNSPECIFIED ? nil : ffString(av_color_space_name(value))
}

func colorPrimariesName(_ value: AVColorPrimaries) -> String? {
    value == AVCOL_PRI_UNSPECIFIED ? nil : ffString(av_color_primaries_name(value))
}

func colorTransferName(_ value: AVColorTransferCharacteristic) -> String? {
    value == AVCOL_TRC_UNSPECIFIED ? nil : ffString(av_color_transfer_name(value))
}

/// The layout as ffprobe prints it; nil when only the channel count is known.
func describeLayout(_ layout: UnsafePointer<AVChannelLayout>) -> String? {
    if layout.pointee.order == AV_CHANNEL_ORDER_UNSPEC { return nil }
    var buffer = [CChar](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBufferPointer { av_channel_layout_describe(layout, $0.baseAddress, $0.count) }
    if n < 0 { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
