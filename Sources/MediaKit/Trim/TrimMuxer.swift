import CFFmpeg

/// The output of a trim: one video stream (encoded or copied) and an optional AAC stream, written to a
/// temporary file and renamed into place by `finish()`. Audio packets (encoded up front) are interleaved
/// with the video as it is written.
final class TrimMuxer {
    let output: OutputContainer
    private(set) var videoStream = -1
    private var videoTimeBase = AVRational(num: 1, den: 1)
    private var audio: TrimAudio?
    private var audioStream = -1
    private var audioNext = 0
    private var headerWritten = false
    private(set) var videoPackets = 0

    init(path: String) throws {
        output = try OutputContainer(path: path)
    }

    var path: String { output.path }
    var wantsGlobalHeader: Bool { output.wantsGlobalHeader }

    /// Adds the video stream from an open encoder.
    func addVideo(encoder: CodecEncoder, source: TrimSource) throws {
        videoStream = try output.addStream(for: encoder, frameRate: Rational(source.averageFrameRate))
        videoTimeBase = encoder.context.pointee.time_base
        try setDisplayMatrix(source)
    }

    /// Adds a video stream that carries copied packets with `parameters` (extradata optionally replaced).
    func addCopiedVideo(source: TrimSource, extradata: [UInt8]?) throws {
        guard let st = avformat_new_stream(output.context, nil) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot add a stream: out of memory")
        }
        let par = st.pointee.codecpar!
        if avcodec_parameters_copy(par, source.videoParameters) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot copy the video codec parameters")
        }
        par.pointee.codec_tag = 0
        if let extradata { try output.setExtradata(extradata, stream: Int(st.pointee.index)) }
        st.pointee.time_base = source.timeBase
        st.pointee.avg_frame_rate = source.averageFrameRate
        st.pointee.r_frame_rate = source.averageFrameRate
        videoStream = Int(st.pointee.index)
        videoTimeBase = source.timeBase
        try setDisplayMatrix(source)
    }

    private func setDisplayMatrix(_ source: TrimSource) throws {
        guard let matrix = source.displayMatrix else { return }
        let st = output.context.pointee.streams[videoStream]!
        let code = matrix.withUnsafeBufferPointer { cff_stream_set_display_matrix(st, $0.baseAddress) }
        if code < 0 { throw MediaError.encodeFailed(path: path, detail: "cannot set the display matrix") }
    }

    /// Adds the audio stream; its packets are written interleaved with the video.
    func addAudio(_ audio: TrimAudio) throws {
        audioStream = try audio.addStream(to: output)
        self.audio = audio
    }

    /// Writes the header (call after the streams are added).
    func writeHeader() throws {
        let scale = OutputContainer.movieTimescale(videoTimeBase: videoTimeBase, sampleRate: audio?.sampleRate)
        try output.writeHeader(fastStart: true, movieTimescale: scale)
        headerWritten = true
    }

    /// Writes a video packet whose timestamps are in the source time base (output time line).
    func writeVideo(_ packet: Packet) throws {
        let dts = packet.dts == cff_AV_NOPTS_VALUE ? packet.pts : packet.dts
        try writeAudio(upTo: Double(dts) * Double(videoTimeBase.num) / Double(videoTimeBase.den))
        packet.pointer.pointee.pos = -1
        try output.write(packet, stream: videoStream, from: videoTimeBase)
        videoPackets += 1
    }

    private func writeAudio(upTo seconds: Double) throws {
        guard let audio else { return }
        let packets = audio.packets
        while audioNext < packets.count {
            let p = packets[audioNext]
            if Double(p.pts) / Double(audio.sampleRate) > seconds { return }
            try output.write(p, stream: audioStream, from: audio.timeBase)
            audioNext += 1
        }
    }

    /// Writes the remaining audio, the trailer, and renames the file into place.
    func finish() throws {
        try writeAudio(upTo: .infinity)
        try output.commit()
    }
}
