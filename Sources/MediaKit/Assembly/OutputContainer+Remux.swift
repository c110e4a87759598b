import CFFmpeg

// Belongs in Encode/OutputContainer.swift later (kept here so the encoder's owner can refine that file).
extension OutputContainer {
    /// Adds a stream that carries packets copied from `source` unchanged (codec parameters, tag, time base,
    /// frame rate and display matrix). Returns its index.
    func addStream(copying source: UnsafeMutablePointer<AVStream>) throws -> Int {
        guard let st = avformat_new_stream(context, nil) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot add a stream: out of memory")
        }
        let code = avcodec_parameters_copy(st.pointee.codecpar, source.pointee.codecpar)
        if code < 0 { throw MediaError.encodeFailed(path: path, detail: "copying codec parameters: \(ffErrorString(code))") }
        st.pointee.time_base = source.pointee.time_base
        st.pointee.avg_frame_rate = source.pointee.avg_frame_rate
        st.pointee.r_frame_rate = source.pointee.r_frame_rate
        if let matrix = cff_stream_display_matrix(source) {
            if cff_stream_set_display_matrix(st, matrix) < 0 {
                throw MediaError.encodeFailed(path: path, detail: "cannot copy the display matrix: out of memory")
            }
        }
        return Int(st.pointee.index)
    }

    /// Writes a packet whose timestamps are already in the output stream's time base.
    func writeRescaled(_ packet: Packet, stream index: Int) throws {
        try write(packet, stream: index, from: timeBase(ofStream: index))
    }
}
