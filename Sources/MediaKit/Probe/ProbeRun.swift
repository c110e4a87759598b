import CFFmpeg

/// One probe of one open file. Not `Sendable`: it drives a non-Sendable `InputContainer`.
final class ProbeRun {
    let container: InputContainer
    let options: ProbeOptions
    var problems: [String] = []
    var truncated = false
    var decodable = true
    var pixelLimitExceeded: Int?
    /// Whether to keep the decoded picture of an image file in `imageFrame`.
    let keepsImageFrame: Bool
    /// The picture of an image file, when `keepsImageFrame` and it decoded.
    private(set) var imageFrame: Frame?

    /// A probe of `container`, which may be freshly opened or already read (by nothing else than a demuxer seek).
    init(container: InputContainer, options: ProbeOptions, keepsImageFrame: Bool = false) {
        self.container = container
        self.options = options
        self.keepsImageFrame = keepsImageFrame
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
            pixelLimit: options.pixelLimit, keep: keepsImageFrame && isImageFormat ? kinds.firstIndex(of: .image) : nil)
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
        imageFrame = decoders.kept
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
}
