import CFFmpeg

/// The audio half of a `VideoWriter`: samples given as interleaved floats or decoded frames, encoded by an
/// `AACEncoder` and written as they come out.
final class WriterAudioTrack {
    let aac: AACEncoder
    let streamIndex: Int
    var channels: Int { aac.channels }
    var sampleRate: Int { aac.sampleRate }

    init(settings: AudioEncodeSettings, output: OutputContainer) throws {
        aac = try AACEncoder(
            sampleRate: settings.sampleRate, channels: settings.channels, bitRate: settings.bitRate, globalHeader: output.wantsGlobalHeader,
            path: output.path)
        streamIndex = try output.addStream(for: aac.encoder)
    }

    /// Queues interleaved samples (clipped to [-1, 1], NaN and infinity as 0) and encodes every whole frame.
    func append(_ samples: [Float], output: OutputContainer) throws {
        let channels = aac.channels
        try samples.withUnsafeBufferPointer { src in
            try aac.write(count: samples.count / channels, into: { try write($0, output: output) }) { out, start, n in
                for c in 0..<channels {
                    var i = start * channels + c
                    for s in 0..<n {
                        // NaN or infinity would make the AAC encoder refuse the frame; louder than
                        // full scale would clip in any player anyway.
                        let x = src[i]
                        out[c][s] = x.isFinite ? Swift.max(-1, Swift.min(1, x)) : 0
                        i += channels
                    }
                }
            }
        }
    }

    /// Queues a decoded audio frame (planar or interleaved float at the track's rate and channel count).
    /// Returns the number of samples per channel it held.
    func append(decoded frame: Frame, output: OutputContainer) throws -> Int {
        let f = frame.pointer
        let n = Int(f.pointee.nb_samples)
        guard Int(f.pointee.sample_rate) == sampleRate, Int(f.pointee.ch_layout.nb_channels) == channels else {
            throw MediaError.invalidArgument(
                "\(output.path): decoded audio is \(f.pointee.sample_rate) Hz with \(f.pointee.ch_layout.nb_channels) channels, "
                    + "the track is \(sampleRate) Hz with \(channels)")
        }
        guard n > 0 else { return 0 }
        let format = AVSampleFormat(rawValue: f.pointee.format)
        guard format == AV_SAMPLE_FMT_FLTP || format == AV_SAMPLE_FMT_FLT else {
            let name = ffString(av_get_sample_fmt_name(format)) ?? "unknown"
            throw MediaError.invalidArgument("\(output.path): decoded audio in sample format \(name) is not float; convert it first")
        }
        let planes = try AudioSamples.planes(of: frame, range: 0..<n, channels: channels, path: output.path)
        try aac.append(planes) { try write($0, output: output) }
        return n
    }

    /// Encodes what is left and drains the encoder; the track ends exactly after the samples appended.
    func flush(output: OutputContainer) throws {
        try aac.finish { try write($0, output: output) }
    }

    private func write(_ packet: Packet, output: OutputContainer) throws {
        try output.write(packet, stream: streamIndex, from: aac.timeBase)
    }
}
