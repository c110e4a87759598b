import CFFmpeg

/// Writes the output's video packets (copied or re-encoded) in decode order and checks that their decode
/// timestamps keep increasing across seams; hands the audio track's finished packets to the muxer in between.
final class ConcatVideoWriter {
    let output: OutputContainer
    let stream: Int
    /// The output video stream's time base.
    let timeBase: AVRational
    private let audio: (any ConcatAudioOutput)?
    private var lastDts = Int64.min

    init(output: OutputContainer, stream: Int, audio: (any ConcatAudioOutput)?) {
        self.output = output
        self.stream = stream
        self.audio = audio
        timeBase = output.timeBase(ofStream: stream)
    }

    /// The last decode timestamp written (Int64.min before the first).
    var lastDecodeTime: Int64 { lastDts }

    /// Writes `packet` at `pts`/`dts` (output time base).
    /// - Throws: `MediaError.decodeFailed` naming `path` (the segment) when the DTS does not increase.
    func write(_ packet: Packet, pts: Int64, dts: Int64, path: String) throws {
        let p = packet.pointer
        p.pointee.pts = pts
        p.pointee.dts = dts
        p.pointee.pos = -1
        guard dts > lastDts, dts <= pts else {
            throw MediaError.decodeFailed(path: path, detail: "video decode timestamps are not increasing at the seam")
        }
        lastDts = dts
        try output.writeRescaled(packet, stream: stream)
        try audio?.writeReady()
    }
}

/// A re-encoded seam GOP in progress; its packets are written as libx264 hands them over.
final class SeamGOP {
    let session: SpliceEncoder.Session
    /// The copied stream's DTS lag (output time base): encoded packets get `dts = pts - delay`.
    let delay: Int64
    /// The segment the GOP belongs to, for errors.
    let path: String
    private let encoderTimeBase: AVRational
    private var firstPts: Int64 = 0
    /// Output ticks between the first two frames (the encoded packets' duration), once known.
    private var duration: Int64?
    /// Packets that came out before `duration` was known.
    private var held: [Packet] = []

    init(encoder: SpliceEncoder, delay: Int64, path: String) throws {
        session = try encoder.begin()
        encoderTimeBase = encoder.timeBase
        self.delay = delay
        self.path = path
    }

    /// Encodes one frame (`outputPts` in the output time base) and writes the packets that are ready.
    func encode(_ frame: Frame, outputPts: Int64, to writer: ConcatVideoWriter) throws {
        if session.framesIn == 0 {
            firstPts = outputPts
        } else if duration == nil {
            try setDuration(outputPts - firstPts, writer)
        }
        let pts = av_rescale_q(outputPts, writer.timeBase, encoderTimeBase)
        try session.send(frame, pts: pts) { try write($0, writer) }
    }

    /// Drains the encoder and writes the rest of the packets.
    func finish(to writer: ConcatVideoWriter) throws {
        if duration == nil { try setDuration(1, writer) }
        try session.finish { try write($0, writer) }
    }

    private func write(_ packet: Packet, _ writer: ConcatVideoWriter) throws {
        guard let duration else { return held.append(packet) }
        let pts = av_rescale_q(packet.pts, encoderTimeBase, writer.timeBase)
        packet.pointer.pointee.duration = max(1, duration)
        try writer.write(packet, pts: pts, dts: pts - delay, path: path)
    }

    private func setDuration(_ value: Int64, _ writer: ConcatVideoWriter) throws {
        duration = value
        let waiting = held
        held = []
        for p in waiting { try write(p, writer) }
    }
}

/// The last GOP of a segment under `crossfade`: its frames before the last N are already encoded; the last N
/// wait to be blended with the next segment's first frames into the same GOP.
struct PendingTail {
    var gop: SeamGOP
    var frames: [Frame]
    /// Output pts (output time base) of each frame.
    var outputPts: [Int64]
}
