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

    /// Replaces the extradata (codec configuration record) of stream `index` with `bytes`.
    func setExtradata(_ bytes: [UInt8], stream index: Int) throws {
        guard let par = context.pointee.streams[index]?.pointee.codecpar, let size = Int32(exactly: bytes.count),
            let buffer = av_mallocz(bytes.count + Int(AV_INPUT_BUFFER_PADDING_SIZE))?.assumingMemoryBound(to: UInt8.self)
        else {
            throw MediaError.encodeFailed(path: path, detail: "cannot set the codec configuration of stream \(index)")
        }
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.update(from: base, count: bytes.count) }
        }
        av_freep(&par.pointee.extradata)
        par.pointee.extradata = buffer
        par.pointee.extradata_size = size
    }

    /// Writes a packet whose timestamps are already in the output stream's time base.
    func writeRescaled(_ packet: Packet, stream index: Int) throws {
        try write(packet, stream: index, from: timeBase(ofStream: index))
    }
}
