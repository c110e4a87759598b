import CFFmpeg
import Foundation

/// Collects one segment's decoded audio as planar float samples at the output rate and channel count (another
/// rate or layout converted by an `AudioResampler`), placed by an `AudioCut` on the segment's time line from the
/// video's start (audio that starts after the video gets leading silence, audio that starts before is cut).
final class SegmentAudio {
    let path: String
    let sampleRate: Int
    let channels: Int
    private(set) var planes: [[Float]]
    private var decoder: CodecDecoder?
    private var cut: AudioCut?
    private var resampler: AudioResampler?
    private let frame = Frame()

    /// Opens the decoder of the segment's audio (none for a segment without audio: only silence); the samples
    /// are counted from the video's first frame at `videoStart` seconds.
    init(segment: ConcatSegment, sampleRate: Int, channels: Int, videoStart: Double) throws {
        path = segment.path
        self.sampleRate = sampleRate
        self.channels = channels
        planes = Array(repeating: [], count: channels)
        // Room for the segment's length (plus a frame), so the planes do not grow by doubling (at most 4M samples
        // reserved: longer ones grow as they come).
        let expected = (segment.duration + 0.05) * Double(sampleRate)
        if expected.isFinite, expected > 0 {
            for c in 0..<channels { planes[c].reserveCapacity(Int(min(expected, Double(1 << 22)))) }
        }
        guard let index = segment.audioIndex, let par = segment.container.stream(index).pointee.codecpar else { return }
        let n = Int(cff_codecpar_channels(par))
        let decoder = try CodecDecoder(container: segment.container, stream: index, threads: 1)
        self.decoder = decoder
        // Another rate, or channels AudioSamples cannot spread or average: libswresample converts them.
        let mixable = n == channels || n == 1 || channels == 1
        if Int(par.pointee.sample_rate) != sampleRate || !mixable {
            resampler = try AudioResampler(decoder: decoder.context, sampleRate: sampleRate, channels: mixable ? nil : channels, path: path)
        }
        let start = Int64((videoStart * Double(sampleRate)).rounded())
        cut = AudioCut(
            timeBase: resampler == nil ? decoder.context.pointee.pkt_timebase : AVRational(num: 1, den: Int32(clamping: sampleRate)),
            sampleRate: sampleRate, channels: channels,
            window: AudioWindow(start: start, end: nil), path: path
        ) { [unowned self] block in
            for c in 0..<self.channels { self.planes[c].append(contentsOf: block[c]) }
        }
    }

    /// Decodes one audio packet (nil: drain).
    func decode(_ packet: Packet?) throws {
        guard let decoder, let cut else { return }
        _ = try decoder.send(packet)
        while try decoder.receive(into: frame) == .frame {
            defer { frame.unref() }
            if let resampler { try resampler.convert(frame) { try cut.add($0) } } else { try cut.add(frame) }
        }
        if packet == nil, let resampler { try resampler.convert(nil) { try cut.add($0) } }
    }

    /// Exactly `count` samples per channel starting `skip` samples in, padded with silence.
    func samples(skip: Int, count: Int) -> [[Float]] {
        planes.map { plane in
            let start = min(max(0, skip), plane.count)
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
    let sampleRate: Int
    private let output: OutputContainer
    private let timeBase: AVRational
    private let queue = DispatchQueue(label: "shotchain.concat.aac")
    /// At most two blocks of samples waiting or being encoded: the muxer holds the video written meanwhile.
    private let slots = DispatchSemaphore(value: 2)
    // Touched only on `queue` once `init` has returned.
    private let aac: AACEncoder
    // Guarded by `lock`.
    private let lock = NSLock()
    private var ready: [Packet] = []
    private var failure: (any Error)?

    init(output: OutputContainer, sampleRate: Int, channels: Int, bitRate: Int) throws {
        self.output = output
        self.sampleRate = sampleRate
        aac = try AACEncoder(sampleRate: sampleRate, channels: channels, bitRate: bitRate, globalHeader: output.wantsGlobalHeader, path: output.path)
        timeBase = aac.timeBase
        streamIndex = try output.addStream(for: aac.encoder)
    }

    /// Queues samples for the worker (which encodes every whole frame) and writes the packets already encoded.
    /// Waits while two earlier blocks are still queued.
    func append(_ planes: [[Float]]) throws {
        try writeReady()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            do {
                try aac.append(planes) { p in lock.withLock { ready.append(p) } }
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
            try aac.finish { p in lock.withLock { ready.append(p) } }
        }
        try writeReady()
    }
}
