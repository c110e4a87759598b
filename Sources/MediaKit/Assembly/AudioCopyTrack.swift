import CFFmpeg
import Foundation

/// A concat's audio written at stream-copy speed: each segment's AAC packets are copied as they are, and only
/// the few AAC frames around each seam (and any stretch without copyable audio: a segment without audio, one
/// too short) are encoded again.
///
/// The output is a run of 1024-sample frames; frame n plays output samples n*1024 ..< (n+1)*1024 (frame -1 is
/// the priming that the edit list hides). A segment's packets are placed on that grid, moved by at most half a
/// frame from where its video puts them (`AudioSpan`), so audio never drifts from video by more than 512
/// samples however many segments there are. A packet is copied when the 2048 samples its transform covers lie
/// wholly inside its segment's part of the output; the frames between two copied runs are a window, encoded by
/// one long-lived AAC encoder fed each window in turn, from a frame before the window (so it is primed on the
/// same signal the copied frame before it coded; that frame's packet is dropped) to two frames after (so the
/// copied frame after it cancels the same overlap), and never drained between windows. Copied
/// packets are byte-identical and, from the second of each run on, decode exactly as in their segment.
///
/// The windows are encoded on a serial worker queue, overlapping the video work of the calling thread; the
/// packets (encoded and copied, in output order) are written to the muxer only on the calling thread, in
/// `writeReady` and `finish` (libavformat contexts are not thread-safe).
final class AudioCopyTrack: ConcatAudioOutput, @unchecked Sendable {
    let streamIndex: Int
    let sampleRate: Int
    private(set) var sampleCount: Int64 = 0
    private let output: OutputContainer
    private let channels: Int
    private let bitRate: Int
    private let segmentCount: Int
    private let timeBase: AVRational
    private static let frame = AACPacketStore.frameLength
    /// Frames the window encoder is fed before the window's first.
    private static let primingFrames: Int64 = 1
    /// The windows' constant quality (FFmpeg's `-q:a` 2: about 130 kb/s stereo, in half the time a frame the
    /// rate loop takes at a bit rate, whose state a window's first frames find far off after each jump).
    private static let windowQuality = 2.0

    /// One segment's place in the output: output sample = source sample + `shift` in [start, end).
    private struct Placed {
        var store: AACPacketStore?
        var start: Int64
        var end: Int64
        var shift: Int64
    }

    /// Segments whose samples a later window may still need.
    private var placed: [Placed] = []
    private var store: AACPacketStore?
    private var index = 0
    /// The next output frame to write.
    private var nextFrame: Int64 = -1
    private var report: ConcatAudioReport
    /// The repeated silent packet, once made (nil inside: the encoder gave none).
    private var silence: Packet??
    private let queue = DispatchQueue(label: "shotchain.concat.aac-windows")
    /// One packet ready for the muxer, at `pts` for `duration` (1/sampleRate).
    private typealias Item = (packet: Packet, pts: Int64, duration: Int64)
    // Guarded by `lock`.
    private let lock = NSLock()
    private var ready: [Item] = []
    private var failure: (any Error)?
    /// The window encoder, opened for the first window and fed every window in turn (worker queue only).
    private var windowEncoder: AACEncoder?

    /// Adds the output's audio stream, with the copied segments' codec parameters.
    init(output: OutputContainer, format: AACCopyFormat, bitRate: Int, segmentCount: Int) throws {
        self.output = output
        sampleRate = format.sampleRate
        channels = format.channels
        self.bitRate = format.bitRate > 0 ? format.bitRate : bitRate
        self.segmentCount = segmentCount
        timeBase = AVRational(num: 1, den: Int32(clamping: max(1, format.sampleRate)))
        streamIndex = try output.addStream(copyingAudio: format.parameters, timeBase: timeBase)
        report = ConcatAudioReport(method: "copied", reason: nil, copiedPackets: 0, encodedPackets: 0, silentPackets: 0, segments: [])
    }

    /// Reads the segment's first audio packets from the pass's own container, up to the first after its start
    /// (the pass's rewound container starts after the priming packet, which the first sample's decode needs),
    /// and rewinds it again for the pass, whose packets `add` keeps from there on.
    func begin(_ segment: ConcatSegment, index k: Int) throws {
        index = k
        store = try segment.audioIndex.map { stream in
            let container = segment.container
            container.discardAll(except: [stream])
            try container.rewind(stream: stream)
            let store = try AACPacketStore(container: container, stream: stream)
            let packet = Packet()
            while try container.read(into: packet) {
                defer { packet.unref() }
                guard packet.streamIndex == stream else { continue }
                try store.add(packet)
                if packet.pts != cff_AV_NOPTS_VALUE && packet.pts > 0 { break }
            }
            try segment.rewind()
            return store
        }
    }

    /// Keeps the pass's audio packets after those `begin` read.
    func add(_ packet: Packet) throws {
        try store?.add(packet, skippingSeen: true)
    }

    func end(_ span: AudioSpan) throws {
        try writeReady()
        let isFirst = index == 0
        let isLast = index == segmentCount - 1
        let source = (span.sourceStart * Double(sampleRate)).rounded()
        guard source.isFinite, abs(source) < Double(AACPacketStore.limit), abs(span.outputEnd) < AACPacketStore.limit else {
            throw MediaError.decodeFailed(path: store?.path ?? output.path, detail: "the segment's video time \(span.sourceStart) s is out of range")
        }
        let ideal = span.outputStart - Int64(source)
        var entry = Placed(store: store, start: isFirst ? .min : span.outputStart, end: isLast ? .max : span.outputEnd, shift: ideal)
        var segmentReport = ConcatAudioReport.Segment(offsetSamples: nil, copiedFrom: nil, copiedUntil: nil)
        let lo = isFirst ? -1 : Self.ceilDiv(span.outputStart, Self.frame)
        let hi = isLast ? Self.floorDiv(span.outputEnd - 1, Self.frame) : Self.floorDiv(span.outputEnd, Self.frame) - 2
        // The frames copied: the segment's own packets, or for a segment without audio one silent packet repeated.
        var run: (frames: ClosedRange<Int64>, packet: (Int64) -> Packet)?
        if let store, store.isContiguous, let firstStart = store.starts.first, store.channels == channels, store.sampleRate == sampleRate {
            // Packets land on the output's frame grid: the smallest move that puts them there.
            var move = Self.mod(-(firstStart + ideal), Self.frame)
            if move > Self.frame / 2 { move -= Self.frame }
            entry.shift = ideal + move
            segmentReport.offsetSamples = Int(move)
            let first = Self.floorDiv(firstStart + entry.shift, Self.frame)
            let last = first + Int64(store.packets.count) - 1
            var from = max(lo, first, nextFrame)
            var to = min(hi, last)
            // A run next to a window starts and ends on long windows (the very first frame needs none).
            while from <= to, from > -1, !store.isLongWindow(Int(from - first)) { from += 1 }
            while from <= to, !(isLast && to == last), !store.isLongWindow(Int(to - first)) { to -= 1 }
            if from <= to { run = (from...to, { store.packets[Int($0 - first)] }) }
        } else if store == nil, max(lo, nextFrame) <= hi, let silent = try silentPacket() {
            run = (max(lo, nextFrame)...hi, { _ in silent })
        }
        placed.append(entry)
        sampleCount = span.outputEnd
        if let run {
            if run.frames.lowerBound > nextFrame { encodeWindow(nextFrame..<run.frames.lowerBound, trailing: false) }
            var items: [Item] = []
            for n in run.frames {
                let packet = Packet()
                if av_packet_ref(packet.pointer, run.packet(n).pointer) < 0 {
                    throw MediaError.encodeFailed(path: output.path, detail: "cannot copy an audio packet: out of memory")
                }
                let length = isLast && n == run.frames.upperBound ? min(Self.frame, span.outputEnd - n * Self.frame) : Self.frame
                items.append((packet, n * Self.frame, length))
            }
            schedule { items }
            if store == nil {
                report.silentPackets += run.frames.count
            } else {
                report.copiedPackets += run.frames.count
                segmentReport.copiedFrom = run.frames.lowerBound * Self.frame
                segmentReport.copiedUntil = (run.frames.upperBound + 1) * Self.frame
            }
            nextFrame = run.frames.upperBound + 1
            let needed = (nextFrame - Self.primingFrames) * Self.frame
            placed.removeAll { $0.end <= needed }
        }
        report.segments.append(segmentReport)
        store = nil
        index += 1
    }

    /// Writes the packets the worker has made ready so far (calling thread only); rethrows a worker failure.
    func writeReady() throws {
        let (items, error) = lock.withLock {
            defer { ready.removeAll(keepingCapacity: true) }
            return (ready, failure)
        }
        if let error { throw error }
        for item in items { try write(item.packet, at: item.pts, duration: item.duration) }
    }

    /// Runs `work` on the worker after the jobs before it and queues the packets it gives for the muxer.
    private func schedule(_ work: @escaping () throws -> [Item]) {
        let job = UncheckedJob(run: work)
        queue.async { [self] in
            if lock.withLock({ failure }) != nil { return }
            do {
                let items = try job.run()
                lock.withLock { ready.append(contentsOf: items) }
            } catch {
                lock.withLock { if failure == nil { failure = error } }
            }
        }
    }

    /// One AAC frame of digital silence with long windows (encoded once: the third frame of a silent run, whose
    /// transform and overlap see only zeros), repeated in segments without audio; nil if the encoder gives none.
    private func silentPacket() throws -> Packet? {
        if let silence { return silence }
        let aac = try makeEncoder()
        var packets: [Packet] = []
        try aac.appendSilence(6 * Int(Self.frame)) { packets.append($0) }
        try aac.finish { packets.append($0) }
        let found = packets.first { $0.pts >= 2 * Self.frame && AACWindowSequence(packet: $0) == .onlyLong }
        silence = .some(found)
        return found
    }

    func finish() throws -> ConcatAudioReport {
        let frames = Self.ceilDiv(sampleCount, Self.frame)
        let last = nextFrame < frames ? nextFrame..<frames : nil
        report.encodedPackets += last?.count ?? 0
        let (placed, total) = (self.placed, sampleCount)
        // The trailing window is encoded in the queue's turn after the others, on this thread (which waits for
        // them anyway): no hand-off to the worker and back at the very end.
        let items = try queue.sync { () throws -> [Item] in
            guard let last, lock.withLock({ failure }) == nil else { return [] }
            return try encode(last, trailing: true, placed: placed, total: total)
        }
        try writeReady()
        for item in items { try write(item.packet, at: item.pts, duration: item.duration) }
        self.placed = []
        return report
    }

    /// Queues the encoding of output frames `frames` from the segments placed so far; `trailing`: the window
    /// ends the track (its last packet ends at the last sample).
    private func encodeWindow(_ frames: Range<Int64>, trailing: Bool) {
        let placed = self.placed
        let total = sampleCount
        report.encodedPackets += frames.count
        schedule { [self] in try encode(frames, trailing: trailing, placed: placed, total: total) }
    }

    /// Encodes output frames `frames` from `placed` (the track lasting `total` samples), on the worker.
    private func encode(_ frames: Range<Int64>, trailing: Bool, placed: [Placed], total sampleCount: Int64) throws -> [Item] {
        let f = Self.frame
        // A window at the very start begins with a fresh encoder's own priming frame (-1).
        let start = frames.lowerBound < 0 ? 0 : (frames.lowerBound - Self.primingFrames) * f
        // The encoder makes a frame's packet once it has the two frames after it (the next one, whose first half
        // the copied packet after the window overlaps, and its look-ahead): fed two frames past the window, it has
        // made every frame needed, the last one held back (handed over below, with no drain).
        let stop = trailing ? sampleCount : (frames.upperBound + 2) * f
        let aac = try (frames.lowerBound < 0 ? nil : windowEncoder) ?? makeEncoder(quality: Self.windowQuality)
        windowEncoder = aac
        // Its packets are timed by the samples given to it: this window's first sample is its `base`-th. The
        // packets of the stretch before (the previous window's tail running into this one's start) come out
        // before `wanted` and are dropped, as is the priming frame's.
        let base = aac.sampleCount
        var kept: [Packet] = []
        kept.reserveCapacity(frames.count)
        let wanted = frames.lowerBound * f..<frames.upperBound * f
        func take(_ packet: Packet) {
            let t = packet.pts - base + start
            guard wanted.contains(t) else { return }
            packet.pointer.pointee.pts = t
            kept.append(packet)
        }
        // The samples of a short window are decoded at once (one decoder run per segment it touches).
        var t = start
        while t < stop {
            let n = Int(min(Int64(1 << 16), stop - t))
            try aac.append(try samples(from: t, count: n, placed: placed), into: take)
            t += Int64(n)
        }
        // A trailing window drains the encoder for its last samples; any other hands over the frame held back
        // and leaves the encoder running for the next window.
        if trailing { try aac.finish(into: take) } else { try aac.handOverHeld(into: take) }
        guard kept.count == frames.count else {
            throw MediaError.encodeFailed(
                path: output.path, detail: "the audio window at sample \(wanted.lowerBound) encoded \(kept.count) frames, expected \(frames.count)")
        }
        return kept.enumerated().map { i, packet in
            (packet, packet.pts, trailing && i == kept.count - 1 ? min(f, sampleCount - packet.pts) : f)
        }
    }

    private func makeEncoder(quality: Double? = nil) throws -> AACEncoder {
        try AACEncoder(
            sampleRate: sampleRate, channels: channels, bitRate: bitRate, quality: quality, globalHeader: output.wantsGlobalHeader,
            path: output.path)
    }

    /// Output samples [t, t + count) from the placed segments (silence where none has audio).
    private func samples(from t: Int64, count: Int, placed: [Placed]) throws -> [[Float]] {
        var planes = [[Float]](repeating: [Float](repeating: 0, count: count), count: channels)
        let end = t + Int64(count)
        for p in placed where p.end > t && p.start < end {
            guard let store = p.store else { continue }
            let lo = max(t, p.start)
            let hi = min(end, p.end)
            let block = try store.samples(from: lo - p.shift, count: Int(hi - lo))
            let offset = Int(lo - t)
            for c in 0..<min(channels, block.count) {
                planes[c].replaceSubrange(offset..<offset + block[c].count, with: block[c])
            }
        }
        return planes
    }

    private func write(_ packet: Packet, at pts: Int64, duration: Int64) throws {
        let p = packet.pointer
        p.pointee.pts = pts
        p.pointee.dts = pts
        p.pointee.duration = max(1, duration)
        p.pointee.pos = -1
        try output.write(packet, stream: streamIndex, from: timeBase)
    }

    /// A job handed to the worker queue (its packets and stores are used there only until it returns).
    private struct UncheckedJob: @unchecked Sendable {
        var run: () throws -> [Item]
    }

    private static func mod(_ x: Int64, _ m: Int64) -> Int64 { ((x % m) + m) % m }
    private static func floorDiv(_ x: Int64, _ m: Int64) -> Int64 { (x - mod(x, m)) / m }
    private static func ceilDiv(_ x: Int64, _ m: Int64) -> Int64 { -floorDiv(-x, m) }
}
