import CFFmpeg

/// What decoding a stream's first frame told us, read from the decoder and the frame
/// (what `avformat_find_stream_info` would have copied into the codec parameters).
struct DecodedFacts {
    var width: Int
    var height: Int
    var pixelFormat: String?
    var profile: Int32
    var level: Int32
    var bitsPerRawSample: Int
    var videoDelay: Int
    var sar: AVRational?
    var colorRange: String?
    var colorSpace: String?
    var colorPrimaries: String?
    var colorTransfer: String?
    var sampleRate: Int?
    var channels: Int?
    var channelLayout: String?
    var sampleFormat: String?
}

/// Decodes the first frame of each of a set of streams, one packet at a time, and records what it learned
/// or why it failed. Decoders run on the calling thread and are freed as soon as their frame is out.
/// Not `Sendable`.
final class FirstFrames {
    private var decoders: [Int: CodecDecoder] = [:]
    private var errors: [Int: String] = [:]
    private var errorCounts: [Int: Int] = [:]
    private let frame = Frame()
    /// Facts per stream whose first frame decoded.
    private(set) var facts: [Int: DecodedFacts] = [:]
    /// Why a stream did not decode, per stream.
    private(set) var failures: [Int: String] = [:]
    /// The stream whose first frame is kept rather than freed.
    private let keep: Int?
    /// The first clean frame of stream `keep`, once it is out.
    private(set) var kept: Frame?

    /// Streams still waiting for their first frame.
    var pending: Set<Int> { Set(decoders.keys) }

    /// Opens a single-threaded decoder per stream, limited to `pixelLimit` pixels per frame.
    /// - Parameter keep: a stream whose first frame is kept (in `kept`), for a caller that needs the picture.
    init(container: InputContainer, streams: [Int], pixelLimit: Int, keep: Int? = nil) {
        self.keep = keep
        for i in streams {
            do {
                let decoder = try CodecDecoder(container: container, stream: i, threads: 1)
                decoder.context.pointee.max_pixels = Int64(pixelLimit)
                decoders[i] = decoder
            } catch {
                failures[i] = Self.detail(error)
            }
        }
    }

    /// Feeds a packet to its stream's decoder, if that stream is still waiting for a frame.
    func feed(_ packet: Packet) {
        guard let decoder = decoders[packet.streamIndex] else { return }
        decode(packet.streamIndex, decoder, packet)
    }

    /// Drains the decoders still waiting; a stream that produced no frame is recorded as a failure.
    func finish() {
        for (i, decoder) in decoders.sorted(by: { $0.key < $1.key }) {
            decode(i, decoder, nil)
            if decoders[i] != nil {
                decoders[i] = nil
                failures[i] = errors[i].map { "no frame could be decoded (\($0))" } ?? "no frame could be decoded"
            }
        }
    }

    private func decode(_ i: Int, _ decoder: CodecDecoder, _ packet: Packet?) {
        do {
            var accepted = try decoder.send(packet)
            for _ in 0..<2 {
                while true {
                    let result = try decoder.receive(into: frame)
                    if result != .frame { break }
                    if frame.isCorrupt {
                        frame.unref()
                        noteError(i, "the first frame is corrupt")
                        continue
                    }
                    facts[i] = Self.facts(decoder.context.pointee, frame.pointer.pointee)
                    if i == keep {
                        let picture = Frame()
                        picture.take(from: frame)
                        kept = picture
                    }
                    frame.unref()
                    decoders[i] = nil
                    return
                }
                if accepted { return }
                accepted = try decoder.send(packet)
            }
        } catch {
            noteError(i, Self.detail(error))
        }
    }

    private func noteError(_ i: Int, _ message: String) {
        errors[i] = message
        errorCounts[i, default: 0] += 1
        // A stream may start with a few undecodable packets (open GOP); give up only after many.
        if errorCounts[i]! >= 16 {
            decoders[i] = nil
            failures[i] = "decoding failed: \(message)"
        }
    }

    private static func detail(_ error: any Error) -> String {
        switch error {
        case MediaError.decodeFailed(_, let d): return d
        case let e as MediaError: return e.description
        default: return "\(error)"
        }
    }

    private static func facts(_ c: AVCodecContext, _ f: AVFrame) -> DecodedFacts {
        var c = c
        let isVideo = c.codec_type == AVMEDIA_TYPE_VIDEO
        let range = c.color_range != AVCOL_RANGE_UNSPECIFIED ? c.color_range : f.color_range
        let space = c.colorspace != AVCOL_SPC_UNSPECIFIED ? c.colorspace : f.colorspace
        let primaries = c.color_primaries != AVCOL_PRI_UNSPECIFIED ? c.color_primaries : f.color_primaries
        let transfer = c.color_trc != AVCOL_TRC_UNSPECIFIED ? c.color_trc : f.color_trc
        var sar: AVRational? = nil
        if c.sample_aspect_ratio.num > 0 && c.sample_aspect_ratio.den > 0 {
            sar = c.sample_aspect_ratio
        } else if f.sample_aspect_ratio.num > 0 && f.sample_aspect_ratio.den > 0 {
            sar = f.sample_aspect_ratio
        }
        let pixelFormat: String?
        if isVideo {
            pixelFormat = pixelFormatName(c.pix_fmt != AV_PIX_FMT_NONE ? c.pix_fmt : AVPixelFormat(rawValue: f.format))
        } else {
            pixelFormat = nil
        }
        let sampleFormat: String?
        if c.codec_type == AVMEDIA_TYPE_AUDIO {
            let fmt = c.sample_fmt != AV_SAMPLE_FMT_NONE ? c.sample_fmt : AVSampleFormat(rawValue: f.format)
            sampleFormat = ffString(av_get_sample_fmt_name(fmt))
        } else {
            sampleFormat = nil
        }
        return DecodedFacts(
            width: Int(c.width), height: Int(c.height), pixelFormat: pixelFormat, profile: c.profile, level: c.level,
            bitsPerRawSample: Int(c.bits_per_raw_sample), videoDelay: Int(c.has_b_frames), sar: sar,
            colorRange: isVideo ? colorRangeName(range) : nil, colorSpace: isVideo ? colorSpaceName(space) : nil,
            colorPrimaries: isVideo ? colorPrimariesName(primaries) : nil,
            colorTransfer: isVideo ? colorTransferName(transfer) : nil,
            sampleRate: c.codec_type == AVMEDIA_TYPE_AUDIO && c.sample_rate > 0 ? Int(c.sample_rate) : nil,
            channels: c.codec_type == AVMEDIA_TYPE_AUDIO && c.ch_layout.nb_channels > 0 ? Int(c.ch_layout.nb_channels) : nil,
            channelLayout: c.codec_type == AVMEDIA_TYPE_AUDIO ? describeLayout(&c.ch_layout) : nil,
            sampleFormat: sampleFormat)
    }
}
