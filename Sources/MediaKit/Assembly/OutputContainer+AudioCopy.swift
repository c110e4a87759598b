import CFFmpeg

extension OutputContainer {
    /// Adds an audio stream that carries packets copied from a stream with `parameters` (codec parameters and
    /// decoder configuration copied), timestamps in `timeBase`. Returns its index.
    func addStream(copyingAudio parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) throws -> Int {
        guard let st = avformat_new_stream(context, nil) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot add a stream: out of memory")
        }
        let code = avcodec_parameters_copy(st.pointee.codecpar, parameters)
        if code < 0 { throw MediaError.encodeFailed(path: path, detail: "copying audio codec parameters: \(ffErrorString(code))") }
        st.pointee.codecpar.pointee.codec_tag = 0
        st.pointee.time_base = timeBase
        return Int(st.pointee.index)
    }
}
