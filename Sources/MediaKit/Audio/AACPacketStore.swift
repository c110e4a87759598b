import CFFmpeg

/// One segment's AAC packets, kept as they were read (their data shared, not copied; side data dropped) with
/// their first sample on the segment's sample time line, and the decode of any range of that time line on
/// demand (silence outside the segment's audio). Concat copies the packets and decodes only the few around a
/// seam. Not `Sendable`.
final class AACPacketStore {
    /// AAC frames hold 1024 samples per channel (the only frame length the copy path accepts).
    static let frameLength: Int64 = 1024
    /// The largest sample position (either sign) the store and the copy track work with (2^50).
    static let limit: Int64 = 1 << 50

    let path: String
    let sampleRate: Int
    let channels: Int
    /// The packets in decode order, timestamps in 1/sampleRate.
    private(set) var packets: [Packet] = []
    /// Each packet's first sample (its pts in 1/sampleRate).
    private(set) var starts: [Int64] = []
    /// The first sample that plays (after the encoder's priming hidden by the edit list).
    private(set) var firstSample: Int64 = 0
    /// Just after the last sample that plays.
    private(set) var endSample: Int64 = 0
    /// True while every packet starts one AAC frame after the one before.
    private(set) var isContiguous = true
    private let parameters: UnsafeMutablePointer<AVCodecParameters>
    private let streamTimeBase: AVRational
    private let rate: AVRational

    /// Prepares to collect the packets of `stream` of `container` (an AAC stream).
    init(container: InputContainer, stream index: Int) throws {
        path = container.path
        let st = container.stream(index)
        guard let par = avcodec_parameters_alloc() else {
            throw MediaError.decodeFailed(path: path, detail: "cannot allocate the audio parameters: out of memory")
        }
        parameters = par
        if avcodec_parameters_copy(par, st.pointee.codecpar) < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot copy the audio parameters")
        }
        sampleRate = Int(par.pointee.sample_rate)
        channels = Int(cff_codecpar_channels(par))
        streamTimeBase = st.pointee.time_base
        rate = AVRational(num: 1, den: max(1, par.pointee.sample_rate))
    }

    deinit {
        var par: UnsafeMutablePointer<AVCodecParameters>? = parameters
        avcodec_parameters_free(&par)
    }

    /// Keeps a packet of the stream (read in order): a new reference to its data, timestamps in samples.
    /// `skippingSeen`: a packet starting no later than the last one kept is one read before, and is skipped.
    func add(_ source: Packet, skippingSeen: Bool = false) throws {
        guard source.pts != cff_AV_NOPTS_VALUE, source.size > 0 else { return }
        if skippingSeen, let last = starts.last, av_rescale_q(source.pts, streamTimeBase, rate) <= last { return }
        let packet = Packet()
        if av_packet_ref(packet.pointer, source.pointer) < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot keep an audio packet: out of memory")
        }
        var skip: Int64 = 0
        var size = 0
        if let data = av_packet_get_side_data(packet.pointer, AV_PKT_DATA_SKIP_SAMPLES, &size), size >= 4 {
            skip = Int64(UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24)
        }
        av_packet_free_side_data(packet.pointer)
        let p = packet.pointer
        p.pointee.flags &= ~AV_PKT_FLAG_DISCARD
        p.pointee.pts = av_rescale_q(p.pointee.pts, streamTimeBase, rate)
        p.pointee.dts = p.pointee.pts
        p.pointee.duration = p.pointee.duration > 0 ? av_rescale_q(p.pointee.duration, streamTimeBase, rate) : Self.frameLength
        p.pointee.pos = -1
        let start = p.pointee.pts
        // A timestamp no real file has (past about 700 years of samples) is not placed: the packets are then
        // not copied (isContiguous), and no sum below can overflow.
        guard abs(start) < Self.limit, abs(p.pointee.duration) < Self.limit else {
            isContiguous = false
            return
        }
        if let last = starts.last {
            if start != last + Self.frameLength { isContiguous = false }
        } else {
            firstSample = start + min(max(0, skip), Self.frameLength)
        }
        starts.append(start)
        packets.append(packet)
        endSample = max(endSample, start + min(max(1, p.pointee.duration), Self.frameLength))
    }

    /// True when packet `j` codes long windows only, or its window sequence cannot be told (a copied run starts and
    /// ends on such packets, so that its overlap with a re-encoded neighbour cancels).
    func isLongWindow(_ j: Int) -> Bool {
        guard packets.indices.contains(j) else { return false }
        let sequence = AACWindowSequence(packet: packets[j])
        return sequence == nil || sequence == .onlyLong
    }

    /// The position of packet starts on the AAC frame grid (0..<1024).
    var gridPhase: Int64 {
        guard let first = starts.first else { return 0 }
        return ((first % Self.frameLength) + Self.frameLength) % Self.frameLength
    }

    /// `count` samples per channel (planar float) of the segment's time line from sample `start`: the decode of
    /// its packets there (each decoded after the two before it, so as in a decode from the start), silence
    /// where the segment has no audio.
    /// - Throws: `MediaError.decodeFailed` naming the segment when a packet does not decode.
    func samples(from start: Int64, count: Int) throws -> [[Float]] {
        var planes = [[Float]](repeating: [Float](repeating: 0, count: max(0, count)), count: channels)
        let lo = max(start, firstSample)
        let hi = min(start + Int64(max(0, count)), endSample)
        guard lo < hi, let first = starts.lastIndex(where: { $0 <= lo }) ?? starts.indices.first else { return planes }
        let decoder = try AACFrameDecoder(parameters: parameters, path: path)
        let frame = Frame()
        for j in max(0, first - 2)..<packets.count {
            let at = starts[j]
            if at >= hi { break }
            try decoder.decode(packets[j], into: frame)
            defer { frame.unref() }
            let n = Int64(frame.pointer.pointee.nb_samples)
            let from = max(lo, at)
            let to = min(hi, at + n)
            guard from < to else { continue }
            let block = try AudioSamples.planes(of: frame, range: Int(from - at)..<Int(to - at), channels: channels, path: path)
            let offset = Int(from - start)
            for c in 0..<channels where block[c].count == Int(to - from) {
                planes[c].replaceSubrange(offset..<offset + block[c].count, with: block[c])
            }
        }
        return planes
    }
}
