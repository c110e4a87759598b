import CFFmpeg

/// The audio of a trim: the source's audio decoded, cut to the sample by an `AudioCut`, padded with silence
/// where the source has none, and re-encoded by an `AACEncoder`. Packets are collected in memory (a few KB per
/// second) and written by the muxer.
final class TrimAudio {
    let aac: AACEncoder
    /// Encoded packets in order, timestamps in 1/sampleRate.
    private(set) var packets: [Packet] = []
    private let sourcePath: String
    private let streamIndex: Int

    var encoder: CodecEncoder { aac.encoder }
    var sampleRate: Int { aac.sampleRate }
    /// Samples (per channel) encoded.
    var sampleCount: Int64 { aac.sampleCount }

    /// Opens an AAC encoder for the source's audio stream (same rate and channel count).
    init(source: TrimSource, streamIndex: Int, outputPath: String, globalHeader: Bool) throws {
        sourcePath = source.path
        self.streamIndex = streamIndex
        let container = try InputContainer(path: source.path)
        let par = container.stream(streamIndex).pointee.codecpar.pointee
        aac = try AACEncoder(
            sampleRate: Int(par.sample_rate), channels: Int(max(1, min(8, par.ch_layout.nb_channels))),
            bitRate: Int(par.bit_rate > 0 ? min(par.bit_rate, 320_000) : 128_000), globalHeader: globalHeader, path: outputPath)
    }

    /// Decodes the source audio between `start` and `end` (seconds on the container's time line) and encodes
    /// exactly `end - start` seconds of it (rounded to samples), padding with silence where there is no audio.
    func encode(from start: Double, to end: Double) throws {
        let rate = Double(aac.sampleRate)
        let window = AudioWindow(start: Int64((start * rate).rounded()), end: Int64((end * rate).rounded()))
        let container = try InputContainer(path: sourcePath)
        container.discardAll(except: [streamIndex])
        let tb = container.stream(streamIndex).pointee.time_base
        let decoder = try CodecDecoder(container: container, stream: streamIndex, threads: 1)
        let seekSeconds = max(0, start - 1)
        try? container.seek(stream: streamIndex, to: Int64(seekSeconds * Double(tb.den) / Double(tb.num)), backward: true)
        let cut = AudioCut(timeBase: tb, sampleRate: aac.sampleRate, channels: aac.channels, window: window, path: sourcePath) {
            [aac] planes in try aac.append(planes) { self.keep($0) }
        }
        let packet = Packet()
        let decoded = Frame()
        func take() throws {
            while try decoder.receive(into: decoded) == .frame {
                defer { decoded.unref() }
                try cut.add(decoded)
            }
        }
        while !cut.isComplete, try container.read(into: packet) {
            guard packet.streamIndex == streamIndex else { continue }
            do {
                while !(try decoder.send(packet)) { try take() }
            } catch MediaError.decodeFailed {
                continue  // one damaged audio packet: its samples become silence below
            }
            try take()
        }
        if !cut.isComplete {
            _ = try? decoder.send(nil)
            try take()
        }
        try cut.finish()
        try aac.finish { keep($0) }
    }

    private func keep(_ packet: Packet) {
        packets.append(packet)
    }
}
