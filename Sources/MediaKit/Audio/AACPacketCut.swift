import CFFmpeg

/// A range of an AAC stream's sample time line taken as its packets, copied: the packets are placed on the
/// output's frame grid (moved by at most half a frame, 512 samples), from the one before the first sample (the
/// priming frame the edit list hides, so that the first sample decodes as in the source) to the one that holds
/// the last sample (its duration cut to end there). No sample is decoded or encoded again.
enum AACPacketCut {
    /// The packets that play samples [start, start + count) of `stream` of `container` from output sample 0,
    /// timestamps in 1/sampleRate, and how far they were moved; nil when the stream's packets cannot be copied
    /// (not AAC-LC, not one frame apart, or not covering the range).
    static func packets(container: InputContainer, stream index: Int, start: Int64, count: Int64) throws -> (packets: [Packet], move: Int64)? {
        guard count > 0, AACCopyFormat.unsuitability(container: container, stream: index) == nil else { return nil }
        let frame = AACPacketStore.frameLength
        let store = try AACPacketStore(container: container, stream: index)
        let st = container.stream(index)
        let rate = AVRational(num: 1, den: max(1, st.pointee.codecpar.pointee.sample_rate))
        container.discardAll(except: [index])
        defer { container.discardAll(except: Set(0..<container.streamCount)) }
        try container.seek(stream: index, to: av_rescale_q(start - 4 * frame, rate, st.pointee.time_base), backward: true)
        let packet = Packet()
        let stop = start + count + frame
        while try container.read(into: packet) {
            guard packet.streamIndex == index else { continue }
            defer { packet.unref() }
            let at = av_rescale_q(packet.pts, st.pointee.time_base, rate)
            if at > stop { break }
            if at >= start - 3 * frame { try store.add(packet) }
        }
        guard store.isContiguous, let first = store.starts.first else { return nil }
        // Output sample = source sample + shift; packets land on multiples of 1024.
        var move = ((-(first - start)) % frame + frame) % frame
        if move > frame / 2 { move -= frame }
        let shift = -start + move
        let firstFrame = (first + shift) / frame
        let lastFrame = (count - 1) / frame
        guard firstFrame <= -1, firstFrame + Int64(store.packets.count) - 1 >= lastFrame else { return nil }
        var out: [Packet] = []
        for n in -1...lastFrame {
            let copy = Packet()
            if av_packet_ref(copy.pointer, store.packets[Int(n - firstFrame)].pointer) < 0 {
                throw MediaError.decodeFailed(path: container.path, detail: "cannot copy an audio packet: out of memory")
            }
            let p = copy.pointer
            p.pointee.pts = n * frame
            p.pointee.dts = n * frame
            p.pointee.duration = n == lastFrame ? count - n * frame : frame
            out.append(copy)
        }
        return (out, move)
    }
}
