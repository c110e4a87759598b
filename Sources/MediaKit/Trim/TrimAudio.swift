import CFFmpeg

/// The audio of a trim: the source's audio decoded, cut to the sample, padded with silence where the source has
/// none, and re-encoded as AAC. Packets are collected in memory (a few KB per second) and written by the caller.
final class TrimAudio {
    let encoder: CodecEncoder
    let sampleRate: Int
    let channels: Int
    let frameSize: Int
    private let fifo: OpaquePointer
    private let frame = Frame()
    private var nextPts: Int64 = 0
    /// Encoded packets in order, timestamps in 1/sampleRate.
    private(set) var packets: [Packet] = []
    /// Samples (per channel) encoded.
    private(set) var sampleCount: Int64 = 0
    private let sourcePath: String
    private let streamIndex: Int

    /// Opens an AAC encoder for the source's audio stream (same rate and channel count).
    init(source: TrimSource, streamIndex: Int, outputPath: String, globalHeader: Bool) throws {
        sourcePath = source.path
        self.streamIndex = streamIndex
        let container = try InputContainer(path: source.path)
        let par = container.stream(streamIndex).pointee.codecpar.pointee
        sampleRate = Int(par.sample_rate)
        channels = Int(max(1, min(8, par.ch_layout.nb_channels)))
        encoder = try CodecEncoder(name: "aac", path: outputPath)
        let ctx = encoder.context
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = Int32(sampleRate)
        av_channel_layout_uninit(&ctx.pointee.ch_layout)
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(channels))
        ctx.pointee.bit_rate = par.bit_rate > 0 ? min(par.bit_rate, 320_000) : 128_000
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        ctx.pointee.thread_count = 1
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.open(describing: "AAC \(sampleRate) Hz, \(channels) channels")
        frameSize = ctx.pointee.frame_size > 0 ? Int(ctx.pointee.frame_size) : 1024
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, Int32(channels), Int32(frameSize)) else {
            throw MediaError.encodeFailed(path: outputPath, detail: "cannot allocate the audio queue")
        }
        self.fifo = fifo
    }

    deinit { av_audio_fifo_free(fifo) }

    /// Decodes the source audio between `start` and `end` (seconds on the container's time line) and encodes
    /// exactly `end - start` seconds of it (rounded to samples), padding with silence where there is no audio.
    func encode(from start: Double, to end: Double) throws {
        let startSample = Int64((start * Double(sampleRate)).rounded())
        let endSample = Int64((end * Double(sampleRate)).rounded())
        var position = startSample  // the next sample (on the source time line) to queue
        let container = try InputContainer(path: sourcePath)
        container.discardAll(except: [streamIndex])
        let st = container.stream(streamIndex)
        let tb = st.pointee.time_base
        let decoder = try CodecDecoder(container: container, stream: streamIndex, threads: 1)
        let seekSeconds = max(0, start - 1)
        try? container.seek(stream: streamIndex, to: Int64(seekSeconds * Double(tb.den) / Double(tb.num)), backward: true)
        let packet = Packet()
        let decoded = Frame()
        let rateTB = AVRational(num: 1, den: Int32(sampleRate))
        var finished = false

        func take() throws {
            while !finished {
                switch try decoder.receive(into: decoded) {
                case .frame:
                    let f = decoded.pointer.pointee
                    let ts = decoded.bestEffortTimestamp
                    guard ts != cff_AV_NOPTS_VALUE else { decoded.unref(); continue }
                    let first = av_rescale_q(ts, tb, rateTB)
                    let count = Int64(f.nb_samples)
                    if first >= endSample { finished = true }
                    let lo = max(first, position)
                    let hi = min(first + count, endSample)
                    if lo > position && position < endSample { try queueSilence(Int(min(lo, endSample) - position)); position = min(lo, endSample) }
                    if hi > lo {
                        try queue(decoded, offset: Int(lo - first), count: Int(hi - lo))
                        position = hi
                    }
                    decoded.unref()
                case .needsInput, .endOfStream: return
                }
            }
        }
        while !finished, try container.read(into: packet) {
            guard packet.streamIndex == streamIndex else { continue }
            do {
                while !(try decoder.send(packet)) { try take() }
            } catch MediaError.decodeFailed {
                continue  // one damaged audio packet: its samples become silence below
            }
            try take()
        }
        if !finished {
            _ = try? decoder.send(nil)
            try take()
        }
        if position < endSample { try queueSilence(Int(endSample - position)) }
        try flush()
    }

    /// Queues `count` samples of `frame` starting at sample `offset`, converted to planar float.
    private func queue(_ frame: Frame, offset: Int, count: Int) throws {
        let f = frame.pointer.pointee
        let format = AVSampleFormat(rawValue: f.format)
        let sourceChannels = Int(f.ch_layout.nb_channels)
        let planar = av_sample_fmt_is_planar(format) != 0
        let bytes = Int(av_get_bytes_per_sample(format))
        var planes = [Float](repeating: 0, count: count * channels)
        guard let data = f.extended_data else { return }
        for c in 0..<channels {
            let sc = min(c, sourceChannels - 1)
            for i in 0..<count {
                let s = offset + i
                let base: UnsafeMutablePointer<UInt8>
                let index: Int
                if planar {
                    base = data[sc]!
                    index = s
                } else {
                    base = data[0]!
                    index = s * sourceChannels + sc
                }
                let p = UnsafeRawPointer(base + index * bytes)
                let value: Float
                switch format {
                case AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_FLTP: value = p.loadUnaligned(as: Float.self)
                case AV_SAMPLE_FMT_DBL, AV_SAMPLE_FMT_DBLP: value = Float(p.loadUnaligned(as: Double.self))
                case AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P: value = Float(p.loadUnaligned(as: Int16.self)) / 32768
                case AV_SAMPLE_FMT_S32, AV_SAMPLE_FMT_S32P: value = Float(p.loadUnaligned(as: Int32.self)) / 2_147_483_648
                case AV_SAMPLE_FMT_U8, AV_SAMPLE_FMT_U8P: value = (Float(p.load(as: UInt8.self)) - 128) / 128
                default:
                    throw MediaError.encodeFailed(path: sourcePath, detail: "audio sample format \(f.format) is not supported")
                }
                planes[c * count + i] = value
            }
        }
        try write(planes, count: count)
    }

    private func queueSilence(_ count: Int) throws {
        guard count > 0 else { return }
        try write([Float](repeating: 0, count: count * channels), count: count)
    }

    /// Queues `count` samples per channel from `planes` (channel-major: channel c at `c * count`).
    private func write(_ planes: [Float], count: Int) throws {
        var copy = planes
        let written = copy.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var pointers: [UnsafeMutableRawPointer?] = (0..<channels).map { UnsafeMutableRawPointer(buffer.baseAddress! + $0 * count) }
            return pointers.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(count)) }
        }
        if written < Int32(count) { throw MediaError.encodeFailed(path: encoder.path, detail: "cannot queue audio samples") }
        sampleCount += Int64(count)
        while Int(av_audio_fifo_size(fifo)) >= frameSize { try encodeQueued(frameSize) }
    }

    private func encodeQueued(_ count: Int) throws {
        let f = frame.pointer
        try encoder.prepareAudioFrame(frame, samples: count)
        let read = UnsafeMutableRawPointer(f.pointee.extended_data).withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: channels) {
            av_audio_fifo_read(fifo, $0, Int32(count))
        }
        if read != Int32(count) { throw MediaError.encodeFailed(path: encoder.path, detail: "cannot read queued audio samples") }
        f.pointee.pts = nextPts
        nextPts += Int64(count)
        try encoder.encode(frame) { packet in try self.keep(packet) }
    }

    private func keep(_ packet: Packet) throws {
        let owned = Packet()
        av_packet_move_ref(owned.pointer, packet.pointer)
        packets.append(owned)
    }

    private func flush() throws {
        let left = Int(av_audio_fifo_size(fifo))
        if left > 0 { try encodeQueued(left) }
        try encoder.encode(nil) { packet in try self.keep(packet) }
        // The last packet ends exactly after the last sample queued.
        if let last = packets.last {
            let end = nextPts - last.pts
            if end > 0 && end <= Int64(frameSize) { last.pointer.pointee.duration = end }
        }
    }
}
