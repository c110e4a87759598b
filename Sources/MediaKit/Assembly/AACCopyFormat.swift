import CFFmpeg

/// The audio format every segment with audio shares when its AAC packets can be copied into a concat's output:
/// AAC-LC with 1024-sample frames, one sample rate and channel layout, the same decoder configuration, packets
/// one frame apart. `check` says why a set of segments does not qualify.
final class AACCopyFormat {
    /// The first segment's audio codec parameters (the output stream's).
    let parameters: UnsafeMutablePointer<AVCodecParameters>
    let path: String
    var sampleRate: Int { Int(parameters.pointee.sample_rate) }
    var channels: Int { Int(cff_codecpar_channels(parameters)) }
    var bitRate: Int { Int(clamping: parameters.pointee.bit_rate) }

    /// Copies the audio parameters of `stream` of `container`.
    init(container: InputContainer, stream index: Int) throws {
        path = container.path
        guard let par = avcodec_parameters_alloc() else {
            throw MediaError.decodeFailed(path: path, detail: "cannot allocate the audio parameters: out of memory")
        }
        parameters = par
        if avcodec_parameters_copy(par, container.stream(index).pointee.codecpar) < 0 {
            throw MediaError.decodeFailed(path: path, detail: "cannot copy the audio parameters")
        }
    }

    deinit {
        var par: UnsafeMutablePointer<AVCodecParameters>? = parameters
        avcodec_parameters_free(&par)
    }

    /// Why the packets of `stream` of `container` cannot be copied on their own (nil: they can).
    static func unsuitability(container: InputContainer, stream index: Int) -> String? {
        let st = container.stream(index)
        let par = st.pointee.codecpar.pointee
        guard par.codec_id == AV_CODEC_ID_AAC else { return "audio codec \(ffString(avcodec_get_name(par.codec_id)) ?? "?") is not AAC" }
        if par.profile != FF_PROFILE_AAC_LOW && par.profile != FF_PROFILE_UNKNOWN {
            return "AAC profile \(ffString(avcodec_profile_name(par.codec_id, par.profile)) ?? "\(par.profile)") is not LC"
        }
        if par.frame_size != 0 && par.frame_size != 1024 { return "AAC frames of \(par.frame_size) samples are not 1024" }
        let entries = container.indexEntries(stream: index)
        let tb = st.pointee.time_base
        let rate = AVRational(num: 1, den: max(1, par.sample_rate))
        for i in entries.indices.dropFirst() {
            let step = av_rescale_q(entries[i].timestamp - entries[i - 1].timestamp, tb, rate)
            if step != 1024 { return "audio packets are not one AAC frame (1024 samples) apart" }
        }
        return nil
    }

    /// Why packets of `other` cannot be copied after this format's (nil: they can).
    func difference(_ other: AACCopyFormat) -> String? {
        let a = parameters.pointee
        let b = other.parameters.pointee
        if a.sample_rate != b.sample_rate { return "audio sample rate \(b.sample_rate) Hz differs from \(a.sample_rate) Hz in \(path)" }
        var x = a.ch_layout
        var y = b.ch_layout
        if av_channel_layout_compare(&x, &y) != 0 {
            return "audio channel layout \(Self.layoutName(other.parameters)) differs from \(Self.layoutName(parameters)) in \(path)"
        }
        if a.profile != b.profile { return "AAC profile differs from the one in \(path)" }
        let ea = a.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(a.extradata_size))) } ?? []
        let eb = b.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(b.extradata_size))) } ?? []
        if ea != eb { return "AAC decoder configuration differs from the one in \(path)" }
        return nil
    }

    private static func layoutName(_ par: UnsafePointer<AVCodecParameters>) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = cff_codecpar_channel_layout_describe(par, &buffer, buffer.count)
        return n > 0 ? String(cString: buffer) : "\(cff_codecpar_channels(par)) channels"
    }
}
