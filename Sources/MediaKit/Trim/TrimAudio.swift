import CFFmpeg

/// The audio of a trim: the source's AAC packets copied (`AACPacketCut`: the smart cut, when the source's
/// audio is AAC-LC), or the source's audio decoded, cut to the sample by an `AudioCut`, padded with silence
/// where the source has none, and re-encoded by an `AACEncoder`. Packets are collected in memory (a few KB per
/// second) and written by the muxer.
final class TrimAudio {
    /// The encoder (nil when the packets are copied).
    let aac: AACEncoder?
    /// Packets in order, timestamps in 1/sampleRate.
    private(set) var packets: [Packet] = []
    private let sourcePath: String
    private let streamIndex: Int
    /// The copied stream's parameters (nil when encoding).
    private let copied: AACCopyFormat?
    private var copiedSamples: Int64 = 0

    let sampleRate: Int
    /// The packets' time base (1/sampleRate).
    var timeBase: AVRational { AVRational(num: 1, den: Int32(clamping: max(1, sampleRate))) }
    /// Samples (per channel) in the track.
    var sampleCount: Int64 { aac?.sampleCount ?? copiedSamples }
    /// True when the source's packets were copied.
    var isCopied: Bool { copied != nil }

    /// Opens an AAC encoder for the source's audio stream (same rate and channel count).
    init(source: TrimSource, streamIndex: Int, outputPath: String, globalHeader: Bool) throws {
        sourcePath = source.path
        self.streamIndex = streamIndex
        let container = try InputContainer(path: source.path)
        let par = container.stream(streamIndex).pointee.codecpar.pointee
        let encoder = try AACEncoder(
            sampleRate: Int(par.sample_rate), channels: Int(max(1, min(8, par.ch_layout.nb_channels))),
            bitRate: Int(par.bit_rate > 0 ? min(par.bit_rate, 320_000) : 128_000), globalHeader: globalHeader, path: outputPath)
        aac = encoder
        sampleRate = encoder.sampleRate
        copied = nil
    }

    /// The source's AAC packets that play from `start` to `end` (seconds on the container's time line), copied;
    /// nil when they cannot be (then the audio is encoded again).
    init?(copying source: TrimSource, streamIndex: Int, from start: Double, to end: Double) throws {
        sourcePath = source.path
        self.streamIndex = streamIndex
        let container = try InputContainer(path: source.path)
        let rate = Int(container.stream(streamIndex).pointee.codecpar.pointee.sample_rate)
        let first = (start * Double(rate)).rounded()
        let last = (end * Double(rate)).rounded()
        guard first.isFinite, last.isFinite, abs(first) < 1e15, abs(last) < 1e15 else { return nil }
        let a = Int64(first)
        let b = Int64(last)
        guard let cut = try AACPacketCut.packets(container: container, stream: streamIndex, start: a, count: b - a) else { return nil }
        packets = cut.packets
        copiedSamples = b - a
        sampleRate = rate
        aac = nil
        copied = try AACCopyFormat(container: container, stream: streamIndex)
    }

    /// Adds the output's audio stream (the encoder's, or the copied one's parameters).
    func addStream(to output: OutputContainer) throws -> Int {
        if let copied { return try output.addStream(copyingAudio: copied.parameters, timeBase: timeBase) }
        guard let aac else { throw MediaError.encodeFailed(path: output.path, detail: "the audio has no encoder") }
        return try output.addStream(for: aac.encoder)
    }

    /// Decodes the source audio between `start` and `end` (seconds on the container's time line) and encodes
    /// exactly `end - start` seconds of it (rounded to samples), padding with silence where there is no audio.
    func encode(from start: Double, to end: Double) throws {
        guard let aac else { return }
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
