import CFFmpeg

/// FFmpeg's AAC encoder fed planar float samples in any amounts: whole frames are encoded as they fill up, and
/// the last packet ends exactly after the last sample given (its duration is trimmed at `finish`). Packets go to
/// the sink in order with timestamps in 1/sampleRate, the newest one held back until the next (or `finish`).
/// Not `Sendable`: concat's `ConcatAudioEncoder` runs one on its serial worker queue.
final class AACEncoder {
    /// The opened encoder (for the output stream's parameters).
    let encoder: CodecEncoder
    /// Samples per channel in one AAC frame (1024).
    let frameSize: Int
    /// Samples per second, per channel.
    var sampleRate: Int { Int(encoder.context.pointee.sample_rate) }
    var channels: Int { Int(encoder.context.pointee.ch_layout.nb_channels) }
    /// The encoder's time base (1/sampleRate).
    var timeBase: AVRational { encoder.context.pointee.time_base }
    /// Samples (per channel) given so far.
    private(set) var sampleCount: Int64 = 0
    private let fifo: OpaquePointer
    /// One chunk per channel, planar.
    private var scratch: [Float]
    private let frame = Frame()
    private var nextPts: Int64 = 0
    private var held: Packet?

    /// Opens the encoder: at `bitRate`, or with `quality` (FFmpeg's `-q:a` scale) at a constant quality instead,
    /// which spares the rate loop most of its work on short stretches (about half the time a frame).
    /// - Throws: `MediaError.encodeFailed` naming `path` when the encoder refuses the settings.
    init(sampleRate: Int, channels: Int, bitRate: Int, quality: Double? = nil, globalHeader: Bool, path: String) throws {
        guard let rate = Int32(exactly: sampleRate), rate > 0, (1...64).contains(channels) else {
            throw MediaError.encodeFailed(path: path, detail: "AAC cannot encode \(sampleRate) Hz with \(channels) channels")
        }
        encoder = try CodecEncoder(name: "aac", path: path)
        let ctx = encoder.context
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = rate
        av_channel_layout_uninit(&ctx.pointee.ch_layout)
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(channels))
        ctx.pointee.bit_rate = Int64(bitRate)
        if let quality, quality > 0 {
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.global_quality = Int32((quality * Double(FF_QP2LAMBDA)).rounded())
        }
        ctx.pointee.time_base = AVRational(num: 1, den: rate)
        ctx.pointee.thread_count = 1
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.open(describing: "AAC \(sampleRate) Hz, \(channels) channels, \(bitRate) b/s")
        frameSize = ctx.pointee.frame_size > 0 ? Int(ctx.pointee.frame_size) : 1024
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, Int32(channels), Int32(frameSize)) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate the audio queue")
        }
        self.fifo = fifo
        scratch = [Float](repeating: 0, count: Self.chunk * channels)
    }

    deinit { av_audio_fifo_free(fifo) }

    /// Queues `planes` (one array per channel, equally long) and encodes every whole frame.
    func append(_ planes: [[Float]], into sink: (Packet) throws -> Void) throws {
        guard let count = planes.first?.count, count > 0 else { return }
        guard planes.count == channels, planes.allSatisfy({ $0.count == count }) else {
            throw MediaError.encodeFailed(path: encoder.path, detail: "audio planes do not match the \(channels) channels")
        }
        try write(count: count, into: sink) { out, start, n in
            for c in out.indices {
                planes[c].withUnsafeBufferPointer { src in
                    if let base = src.baseAddress { out[c].update(from: base + start, count: n) }
                }
            }
        }
    }

    /// Queues `count` samples of silence and encodes every whole frame.
    func appendSilence(_ count: Int, into sink: (Packet) throws -> Void) throws {
        try write(count: count, into: sink) { out, _, n in
            for plane in out { plane.update(repeating: 0, count: n) }
        }
    }

    /// Samples per channel queued at a time, so the queue never holds more than one chunk and one frame.
    static let chunk = 4096

    /// Queues `count` samples and encodes every whole frame, one chunk at a time: `fill(out, start, n)` writes
    /// samples `start..<start + n` of each channel c to `out[c][0..<n]`.
    func write(
        count: Int, into sink: (Packet) throws -> Void, fill: (_ out: [UnsafeMutablePointer<Float>], _ start: Int, _ n: Int) -> Void
    ) throws {
        var done = 0
        while done < count {
            let n = min(Self.chunk, count - done)
            let written = scratch.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return 0 }
                let out = (0..<channels).map { base + $0 * Self.chunk }
                fill(out, done, n)
                var raw: [UnsafeMutableRawPointer?] = out.map { UnsafeMutableRawPointer($0) }
                return raw.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(n)) }
            }
            if written < Int32(n) { throw MediaError.encodeFailed(path: encoder.path, detail: "cannot queue audio samples") }
            sampleCount += Int64(n)
            done += n
            while Int(av_audio_fifo_size(fifo)) >= frameSize { try encodeQueued(frameSize, into: sink) }
        }
    }

    /// Encodes what is left (a short last frame, which the encoder pads), drains the encoder and hands over the
    /// last packet, which ends exactly after the last sample.
    func finish(into sink: (Packet) throws -> Void) throws {
        let left = Int(av_audio_fifo_size(fifo))
        if left > 0 { try encodeQueued(left, into: sink) }
        try encoder.encode(nil) { try take($0, into: sink) }
        guard let last = held else { return }
        // The encoder's own duration for the last packet can miss a few samples (FFmpeg 5.1 gives 304 for a
        // final 336-sample frame); the samples given are known, so the track ends exactly after them.
        let p = last.pointer
        let end = nextPts - p.pointee.pts
        if end > 0 && end <= Int64(frameSize) { p.pointee.duration = end }
        held = nil
        try sink(last)
    }

    /// Hands over the packet held back (the newest encoded) without draining: the encoder goes on with the next
    /// samples given, as a window encoder fed one stretch after another does.
    func handOverHeld(into sink: (Packet) throws -> Void) throws {
        guard let last = held else { return }
        held = nil
        try sink(last)
    }

    private func encodeQueued(_ count: Int, into sink: (Packet) throws -> Void) throws {
        let f = frame.pointer
        try encoder.prepareAudioFrame(frame, samples: count)
        let read = UnsafeMutableRawPointer(f.pointee.extended_data).withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: channels) {
            av_audio_fifo_read(fifo, $0, Int32(count))
        }
        if read != Int32(count) { throw MediaError.encodeFailed(path: encoder.path, detail: "cannot read queued audio samples") }
        f.pointee.pts = nextPts
        nextPts += Int64(count)
        try encoder.encode(frame) { try take($0, into: sink) }
    }

    /// Hands over the packet held before and holds `packet` (valid only during the call; its data is moved).
    private func take(_ packet: Packet, into sink: (Packet) throws -> Void) throws {
        let owned = Packet()
        av_packet_move_ref(owned.pointer, packet.pointer)
        if let previous = held { try sink(previous) }
        held = owned
    }
}
