import CFFmpeg

/// One video packet's timing, from a demux pass over the source.
struct SourcePacket {
    var pts: Int64
    var dts: Int64
    var duration: Int64
    var isKeyframe: Bool
    var isDiscarded: Bool
}

/// The facts about a source that a trim is planned from: its video packets in demux order and stream details.
final class TrimSource {
    let path: String
    let videoIndex: Int
    let audioIndex: Int?
    let timeBase: AVRational
    /// Every video packet in demux (decode) order.
    let packets: [SourcePacket]
    /// The presentation times of the displayed frames, ascending.
    let visiblePts: [Int64]
    /// The presentation time of the first displayed frame (time 0 of the trim's time line).
    let firstPts: Int64
    /// One frame's duration in time-base ticks.
    let frameDuration: Int64
    /// The end of the last displayed frame.
    let endPts: Int64
    /// The codec parameters of the video stream (copied; owned by this object).
    let videoParameters: UnsafeMutablePointer<AVCodecParameters>
    /// The display matrix of the video stream, if any.
    let displayMatrix: [Int32]?
    let averageFrameRate: AVRational

    init(path: String) throws {
        self.path = path
        let container = try InputContainer(path: path)
        let format = container.formatName
        if format.hasSuffix("_pipe") || format == "image2" {
            throw MediaError.noStream(path: path, kind: "video (it is an image)")
        }
        guard let v = container.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError.noStream(path: path, kind: "video")
        }
        let st = container.stream(v)
        if st.pointee.codecpar.pointee.width == 0 || st.pointee.codecpar.pointee.format < 0 {
            try container.findStreamInfo()
        }
        videoIndex = v
        audioIndex = container.bestStream(AVMEDIA_TYPE_AUDIO)
        timeBase = st.pointee.time_base
        guard let par = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc: out of memory") }
        videoParameters = par
        avcodec_parameters_copy(par, st.pointee.codecpar)
        displayMatrix = cff_stream_display_matrix(st).map { Array(UnsafeBufferPointer(start: $0, count: 9)) }
        averageFrameRate = st.pointee.avg_frame_rate.num > 0 ? st.pointee.avg_frame_rate : st.pointee.r_frame_rate

        if let cut = container.indexEntries(stream: v).first(where: { $0.pos + Int64($0.size) > container.fileSize }) {
            throw MediaError.truncated(path: path, detail: "video sample at byte \(cut.pos) is past the end of the file")
        }
        container.discardAll(except: [v])
        var list: [SourcePacket] = []
        let packet = Packet()
        while try container.read(into: packet) {
            guard packet.streamIndex == v else { continue }
            if packet.isCorrupt {
                throw MediaError.decodeFailed(path: path, detail: "video packet at dts \(packet.dts) is marked corrupt")
            }
            list.append(
                SourcePacket(
                    pts: packet.pts == cff_AV_NOPTS_VALUE ? packet.dts : packet.pts, dts: packet.dts, duration: packet.duration,
                    isKeyframe: packet.isKeyframe, isDiscarded: packet.isDiscarded))
        }
        packets = list
        let visible = list.filter { !$0.isDiscarded }.map(\.pts).sorted()
        guard let first = visible.first, let last = visible.last else {
            throw MediaError.noStream(path: path, kind: "displayed video frame in the")
        }
        visiblePts = visible
        firstPts = first
        var step: Int64 = 0
        if averageFrameRate.num > 0 && averageFrameRate.den > 0 {
            step = av_rescale_q(1, AVRational(num: averageFrameRate.den, den: averageFrameRate.num), timeBase)
        }
        if step <= 0 && visible.count > 1 { step = (last - first) / Int64(visible.count - 1) }
        frameDuration = max(step, 1)
        let lastDuration = list.last { $0.pts == last }?.duration ?? 0
        endPts = last + (lastDuration > 0 ? lastDuration : frameDuration)
    }

    deinit {
        var p: UnsafeMutablePointer<AVCodecParameters>? = videoParameters
        avcodec_parameters_free(&p)
    }

    /// Seconds (relative to the first displayed frame) of a presentation time.
    func seconds(_ pts: Int64) -> Double {
        Double(pts - firstPts) * Double(timeBase.num) / Double(timeBase.den)
    }

    /// The presentation time of `seconds` on the trim time line.
    func pts(_ seconds: Double) -> Int64 {
        firstPts + Int64((seconds * Double(timeBase.den) / Double(timeBase.num)).rounded())
    }

    /// The video duration in seconds.
    var duration: Double { seconds(endPts) }

    /// Presentation times of keyframes that start a closed GOP: no packet after the keyframe in decode order
    /// is shown before it. Ascending.
    lazy var closedKeyframes: [Int64] = {
        var result: [Int64] = []
        var i = 0
        while i < packets.count {
            if packets[i].isKeyframe && !packets[i].isDiscarded {
                let k = packets[i].pts
                var j = i + 1
                var closed = true
                while j < packets.count && !packets[j].isKeyframe {
                    if packets[j].pts < k { closed = false }
                    j += 1
                }
                if closed { result.append(k) }
                i = j
            } else {
                i += 1
            }
        }
        return result.sorted()
    }()

    /// All keyframe presentation times (shown ones), ascending.
    var keyframes: [Int64] { packets.filter { $0.isKeyframe && !$0.isDiscarded }.map(\.pts).sorted() }

    /// The frame rate as a Double (0 when unknown).
    var frameRate: Double {
        averageFrameRate.den > 0 ? Double(averageFrameRate.num) / Double(averageFrameRate.den) : 0
    }

    /// The libx264 setup that matches this source's picture (taken from `first`, its first decoded frame),
    /// profile and level, with the trim's rate control.
    func encoderSetup(first: Frame, options: TrimOptions) -> X264Setup {
        let picture = SplicePicture(
            frame: first, fallbackSAR: videoParameters.pointee.sample_aspect_ratio, timeBase: timeBase, frameRate: averageFrameRate)
        return X264Setup(
            picture: picture, source: videoParameters.pointee, preset: options.preset,
            quality: options.lossless ? .lossless : .crf(options.crf))
    }
}
