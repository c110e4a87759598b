import CFFmpeg
import Foundation

/// Collects one segment's decoded audio as planar float samples at the output rate and channel count.
final class SegmentAudio {
    let path: String
    let sampleRate: Int
    let channels: Int
    private(set) var planes: [[Float]]
    private var decoder: CodecDecoder?
    private let frame = Frame()
    private var firstTime: Double?

    /// Opens the decoder of `stream` (nil for a segment without audio: only silence).
    init(segment: ConcatSegment, sampleRate: Int, channels: Int) throws {
        path = segment.path
        self.sampleRate = sampleRate
        self.channels = channels
        planes = Array(repeating: [], count: channels)
        if let index = segment.audioIndex {
            let par = segment.container.stream(index).pointee.codecpar!
            if Int(par.pointee.sample_rate) != sampleRate {
                throw MediaError.invalidArgument(
                    "\(path): audio sample rate \(par.pointee.sample_rate) Hz differs from the output's \(sampleRate) Hz "
                        + "(resampling is not supported; re-encode the segment's audio first)")
            }
            let n = Int(cff_codecpar_channels(par))
            if n != channels && n != 1 && channels != 1 {
                throw MediaError.invalidArgument(
                    "\(path): \(n) audio channels cannot be mixed into the output's \(channels) channels")
            }
            decoder = try CodecDecoder(container: segment.container, stream: index, threads: 1)
        }
    }

    /// Decodes one audio packet (nil: drain).
    func decode(_ packet: Packet?, videoStart: Double) throws {
        guard let decoder else { return }
        _ = try decoder.send(packet)
        while try decoder.receive(into: frame) == .frame {
            defer { frame.unref() }
            try append(frame, videoStart: videoStart)
        }
    }

    private func append(_ frame: Frame, videoStart: Double) throws {
        let f = frame.pointer
        let count = Int(f.pointee.nb_samples)
        let inChannels = Int(f.pointee.ch_layout.nb_channels)
        guard count > 0, inChannels > 0 else { return }
        if firstTime == nil {
            let tb = decoder!.context.pointee.pkt_timebase
            let ts = f.pointee.best_effort_timestamp
            let t = ts == cff_AV_NOPTS_VALUE ? videoStart : Double(ts) * Double(tb.num) / Double(tb.den)
            firstTime = t
            // Audio that starts after the video gets leading silence; audio that starts before is cut.
            let lead = Int(((t - videoStart) * Double(sampleRate)).rounded())
            if lead > 0 {
                for c in 0..<channels { planes[c].append(contentsOf: repeatElement(0, count: lead)) }
            } else if lead < 0 {
                pendingCut = -lead
            }
        }
        let format = AVSampleFormat(rawValue: f.pointee.format)
        let planar = av_sample_fmt_is_planar(format) != 0
        let packed = av_get_packed_sample_fmt(format)
        let bytes = Int(av_get_bytes_per_sample(format))
        let data = UnsafeMutableRawPointer(f.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
        func sample(_ c: Int, _ i: Int) -> Float {
            let base: UnsafeMutablePointer<UInt8>
            let offset: Int
            if planar {
                base = data[c]!
                offset = i * bytes
            } else {
                base = data[0]!
                offset = (i * inChannels + c) * bytes
            }
            let p = UnsafeRawPointer(base + offset)
            switch packed {
            case AV_SAMPLE_FMT_FLT: return p.loadUnaligned(as: Float.self)
            case AV_SAMPLE_FMT_DBL: return Float(p.loadUnaligned(as: Double.self))
            case AV_SAMPLE_FMT_S16: return Float(p.loadUnaligned(as: Int16.self)) / 32768
            case AV_SAMPLE_FMT_S32: return Float(Double(p.loadUnaligned(as: Int32.self)) / 2_147_483_648)
            case AV_SAMPLE_FMT_U8: return (Float(p.load(as: UInt8.self)) - 128) / 128
            default: return 0
            }
        }
        for c in 0..<channels {
            planes[c].reserveCapacity(planes[c].count + count)
            for i in 0..<count {
                let value: Float
                if inChannels == channels {
                    value = sample(c, i)
                } else if inChannels == 1 {
                    value = sample(0, i)
                } else {
                    var sum: Float = 0
                    for k in 0..<inChannels { sum += sample(k, i) }
                    value = sum / Float(inChannels)
                }
                planes[c].append(value)
            }
        }
        if pendingCut > 0 {
            let cut = min(pendingCut, planes[0].count)
            for c in 0..<channels { planes[c].removeFirst(cut) }
            pendingCut -= cut
        }
    }

    private var pendingCut = 0

    /// Exactly `count` samples per channel starting `skip` samples in, padded with silence.
    func samples(skip: Int, count: Int) -> [[Float]] {
        planes.map { plane in
            let start = min(skip, plane.count)
            var out = Array(plane[start..<min(plane.count, start + count)])
            if out.count < count { out.append(contentsOf: repeatElement(0, count: count - out.count)) }
            return out
        }
    }
}

/// One AAC encoder for the whole output, fed planar float samples in whole frames.
///
/// The encoding runs on a serial worker queue so that it overlaps the video work of the calling thread. Encoded
/// packets come back through a lock-protected queue and are written to the muxer only on the calling thread
/// (in `append`, `writeReady` and `finish`): libavformat contexts are not thread-safe.
final class ConcatAudioEncoder: @unchecked Sendable {
    let streamIndex: Int
    let channels: Int
    let sampleRate: Int
    let frameSize: Int
    private let output: OutputContainer
    private let timeBase: AVRational
    private let queue = DispatchQueue(label: "shotchain.concat.aac")
    /// At most two blocks of samples waiting or being encoded: the muxer holds the video written meanwhile.
    private let slots = DispatchSemaphore(value: 2)

    // Touched only on `queue` once `init` has returned.
    private let encoder: CodecEncoder
    private var fifo: [[Float]]
    private let frame = Frame()
    private var nextPts: Int64 = 0
    /// The last packet out of the encoder, held back so `finish` can trim its duration.
    private var held: Packet?

    // Guarded by `lock`.
    private let lock = NSLock()
    private var ready: [Packet] = []
    private var failure: (any Error)?

    init(output: OutputContainer, sampleRate: Int, channels: Int, bitRate: Int) throws {
        self.output = output
        self.sampleRate = sampleRate
        self.channels = channels
        encoder = try CodecEncoder(name: "aac", path: output.path)
        let ctx = encoder.context
        ctx.pointee.sample_rate = Int32(sampleRate)
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(channels))
        ctx.pointee.bit_rate = Int64(bitRate)
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        if output.wantsGlobalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.open(describing: "AAC \(sampleRate) Hz, \(channels) channels, \(bitRate) b/s")
        frameSize = Int(ctx.pointee.frame_size > 0 ? ctx.pointee.frame_size : 1024)
        timeBase = ctx.pointee.time_base
        streamIndex = try output.addStream(for: encoder)
        fifo = Array(repeating: [], count: channels)
    }

    /// Queues samples for the worker (which encodes every whole frame) and writes the packets already encoded.
    /// Waits while two earlier blocks are still queued.
    func append(_ planes: [[Float]]) throws {
        try writeReady()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            do {
                try encodeWhole(planes)
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// Writes the packets the worker has encoded so far (calling thread only); rethrows a worker failure.
    func writeReady() throws {
        let (packets, error) = lock.withLock {
            defer { ready.removeAll(keepingCapacity: true) }
            return (ready, failure)
        }
        if let error { throw error }
        for p in packets { try output.write(p, stream: streamIndex, from: timeBase) }
    }

    /// Encodes what is left, drains the encoder and writes everything; the last packet ends exactly after the
    /// last sample.
    func finish() throws {
        try queue.sync {
            if let error = lock.withLock({ failure }) { throw error }  // an earlier `append` failed
            if !fifo[0].isEmpty { try encode(from: 0, count: fifo[0].count) }
            try encoder.encode(nil) { try self.take($0) }
            if let held {
                let p = held.pointer
                let end = nextPts - p.pointee.pts
                if end > 0 && end <= Int64(frameSize) { p.pointee.duration = end }
                self.held = nil
                lock.withLock { ready.append(held) }
            }
        }
        try writeReady()
    }

    private func encodeWhole(_ planes: [[Float]]) throws {
        for c in 0..<channels { fifo[c].append(contentsOf: planes[c]) }
        var done = 0
        while fifo[0].count - done >= frameSize {
            try encode(from: done, count: frameSize)
            done += frameSize
        }
        if done > 0 { for c in 0..<channels { fifo[c].removeFirst(done) } }
    }

    private func encode(from start: Int, count: Int) throws {
        let f = frame.pointer
        try encoder.prepareAudioFrame(frame, samples: count)
        let data = UnsafeMutableRawPointer(f.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
        for c in 0..<channels {
            let dst = UnsafeMutableRawPointer(data[c]!).assumingMemoryBound(to: Float.self)
            fifo[c].withUnsafeBufferPointer { src in dst.update(from: src.baseAddress! + start, count: count) }
        }
        f.pointee.pts = nextPts
        nextPts += Int64(count)
        try encoder.encode(frame) { try self.take($0) }
    }

    /// Keeps `packet` (valid only during the call) as the held one and queues the previously held one.
    private func take(_ packet: Packet) throws {
        let p = Packet()
        av_packet_move_ref(p.pointer, packet.pointer)
        if let held { lock.withLock { ready.append(held) } }
        held = p
    }
}
