import CFFmpeg

/// An H.264 encoder for decoded source frames that matches the source's picture: size, pixel format, sample
/// aspect ratio, colour tags, time base, frame rate, and (for H.264 sources) profile and level.
final class TrimVideoEncoder {
    let encoder: CodecEncoder
    let timeBase: AVRational
    private var started = false

    /// - Parameters:
    ///   - first: the first decoded frame (its format, size, SAR and colour tags are used).
    ///   - bFrames: the largest number of consecutive B-frames (0 for parts spliced between copied GOPs).
    ///   - globalHeader: put SPS/PPS in the extradata instead of in the packets.
    ///   - spsID: the H.264 seq_parameter_set_id (and pic_parameter_set_id) to use, nil for the default 0.
    init(
        source: TrimSource, first: Frame, bFrames: Int, gopFrames: Int, globalHeader: Bool, spsID: Int?, options: TrimOptions,
        path: String
    ) throws {
        encoder = try CodecEncoder(name: "libx264", path: path)
        let ctx = encoder.context
        let f = first.pointer.pointee
        timeBase = source.timeBase
        ctx.pointee.width = f.width
        ctx.pointee.height = f.height
        ctx.pointee.pix_fmt = AVPixelFormat(rawValue: f.format)
        if f.width % 2 != 0 || f.height % 2 != 0 {
            throw MediaError.encodeFailed(path: path, detail: "\(f.width)x\(f.height) cannot be re-encoded as H.264 4:2:0 (odd size)")
        }
        if let formats = encoder.codec.pointee.pix_fmts {
            var i = 0
            var supported = false
            while formats[i] != AV_PIX_FMT_NONE {
                if formats[i] == ctx.pointee.pix_fmt { supported = true }
                i += 1
            }
            if !supported {
                let name = ffString(av_get_pix_fmt_name(ctx.pointee.pix_fmt)) ?? "\(f.format)"
                throw MediaError.encodeFailed(path: path, detail: "libx264 cannot encode pixel format \(name)")
            }
        }
        let sar = f.sample_aspect_ratio.num > 0 ? f.sample_aspect_ratio : source.videoParameters.pointee.sample_aspect_ratio
        ctx.pointee.sample_aspect_ratio = sar.num > 0 ? sar : AVRational(num: 1, den: 1)
        ctx.pointee.color_range = f.color_range
        ctx.pointee.color_primaries = f.color_primaries
        ctx.pointee.color_trc = f.color_trc
        ctx.pointee.colorspace = f.colorspace
        ctx.pointee.chroma_sample_location = f.chroma_location
        ctx.pointee.time_base = source.timeBase
        if source.averageFrameRate.num > 0 { ctx.pointee.framerate = source.averageFrameRate }
        ctx.pointee.gop_size = Int32(gopFrames)
        ctx.pointee.max_b_frames = Int32(bFrames)
        ctx.pointee.thread_count = 0
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        let par = source.videoParameters.pointee
        if par.codec_id == AV_CODEC_ID_H264 {
            if !options.lossless, let profile = Self.x264Profile(par.profile) { try encoder.setOption("profile", profile) }
            if par.level > 0 { ctx.pointee.level = par.level }
        }
        try encoder.setOption("preset", options.preset)
        if options.lossless {
            try encoder.setOption("qp", "0")
        } else {
            try encoder.setOption("crf", String(options.crf))
        }
        var params = "scenecut=0:log=-1"
        if let spsID { params += ":sps-id=\(spsID)" }
        try encoder.setOption("x264-params", params)
        try encoder.open(describing: "x264 \(params), preset \(options.preset)")
    }

    /// The x264 profile name for an FFmpeg H.264 profile number, nil when there is none to match.
    static func x264Profile(_ profile: Int32) -> String? {
        switch profile {
        case FF_PROFILE_H264_BASELINE, FF_PROFILE_H264_CONSTRAINED_BASELINE: return "baseline"
        case FF_PROFILE_H264_MAIN: return "main"
        case FF_PROFILE_H264_HIGH: return "high"
        case FF_PROFILE_H264_HIGH_10: return "high10"
        case FF_PROFILE_H264_HIGH_422: return "high422"
        case FF_PROFILE_H264_HIGH_444_PREDICTIVE: return "high444"
        default: return nil
        }
    }

    /// Encodes a decoded frame at `pts` (in the source time base). The first frame is forced to be an IDR.
    func encode(_ frame: Frame, pts: Int64, into sink: (Packet) throws -> Void) throws {
        frame.pointer.pointee.pts = pts
        frame.pointer.pointee.pict_type = started ? AV_PICTURE_TYPE_NONE : AV_PICTURE_TYPE_I
        frame.pointer.pointee.key_frame = started ? 0 : 1
        started = true
        try encoder.encode(frame, into: sink)
    }

    /// Drains the encoder.
    func flush(into sink: (Packet) throws -> Void) throws {
        try encoder.encode(nil, into: sink)
    }

    /// The encoder's extradata (Annex B SPS/PPS with a global header).
    var extradata: [UInt8] {
        let ctx = encoder.context.pointee
        guard let data = ctx.extradata, ctx.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ctx.extradata_size)))
    }
}

/// Decodes the source's frames with presentation times in a range.
enum TrimFrameReader {
    /// Decodes the frames of `source` whose presentation time is in `range`, in presentation order, and hands
    /// each to `sink` (the frame is only valid during the call).
    /// - Returns: the number of frames handed over.
    @discardableResult
    static func frames(of source: TrimSource, in range: Range<Int64>, _ sink: (Frame) throws -> Void) throws -> Int {
        let container = try InputContainer(path: source.path)
        container.discardAll(except: [source.videoIndex])
        let decoder = try CodecDecoder(container: container, stream: source.videoIndex)
        // Start at the closest keyframe at or before the range (by the packet list, so no seek ambiguity).
        if let key = source.keyframes.last(where: { $0 <= range.lowerBound }), key > source.firstPts {
            // mov seeks by presentation time: the keyframe at or before `key` is `key` itself.
            try container.seek(stream: source.videoIndex, to: key, backward: true)
        }
        let packet = Packet()
        let frame = Frame()
        var count = 0
        var done = false
        func drain() throws {
            while !done {
                switch try decoder.receive(into: frame) {
                case .frame:
                    let pts = frame.bestEffortTimestamp
                    if frame.isCorrupt {
                        throw MediaError.decodeFailed(path: source.path, detail: "frame at pts \(pts) is corrupt")
                    }
                    if pts >= range.upperBound {
                        done = true
                    } else if pts >= range.lowerBound {
                        try sink(frame)
                        count += 1
                    }
                    frame.unref()
                case .needsInput, .endOfStream: return
                }
            }
        }
        while !done, try container.read(into: packet) {
            guard packet.streamIndex == source.videoIndex else { continue }
            while !(try decoder.send(packet)) { try drain() }
            try drain()
        }
        if !done {
            _ = try decoder.send(nil)
            try drain()
        }
        return count
    }
}
