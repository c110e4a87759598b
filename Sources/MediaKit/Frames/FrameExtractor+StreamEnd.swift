import CFFmpeg

extension FrameExtractor {
    static func confirm(_ frame: Frame, timestamp: Int64, target: Int64, path: String) throws {
        if target != Int64.min, timestamp != target {
            throw MediaError.unconfirmedFrame(
                path: path, detail: "the last decoded frame has pts \(timestamp) but the last packet has pts \(target)")
        }
        if frame.isCorrupt {
            throw MediaError.unconfirmedFrame(path: path, detail: "the decoder reported errors in the last frame")
        }
    }

    /// Fails with `truncated` when the video data ends well before the duration the file declares for
    /// the video stream (a cut-off Matroska/WebM file keeps its header's per-track DURATION tag).
    /// MOV/MP4 are checked against their sample index instead (see `last`).
    static func checkEnd(_ reader: VideoReader, lastPts: Int64, lastDuration: Int64) throws {
        guard !reader.container.formatName.hasPrefix("mov,"), let declared = declaredDuration(reader) else { return }
        let tb = reader.timeBase
        let st = reader.stream.pointee
        let start = Double(st.start_time != cff_AV_NOPTS_VALUE ? st.start_time : 0) * Double(tb.num) / Double(tb.den)
        let frame = Double(max(lastDuration, 0)) * Double(tb.num) / Double(tb.den)
        let end = Double(lastPts) * Double(tb.num) / Double(tb.den) + frame
        let shortfall = start + declared - end
        if shortfall > max(0.25, 2 * frame) {
            throw MediaError.truncated(
                path: reader.path,
                detail: "the video stream is declared to last \(declared) s but its data ends at \(end - start) s")
        }
    }

    /// The video stream's own declared duration in seconds: `AVStream.duration`, else a Matroska
    /// `DURATION` tag ("HH:MM:SS.nnnnnnnnn"). Nil when only the container's (longest track) duration is known.
    static func declaredDuration(_ reader: VideoReader) -> Double? {
        let st = reader.stream.pointee
        if st.duration != cff_AV_NOPTS_VALUE, st.duration > 0 {
            return Double(st.duration) * Double(st.time_base.num) / Double(st.time_base.den)
        }
        guard let entry = av_dict_get(st.metadata, "DURATION", nil, 0), let text = ffString(entry.pointee.value) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let sec = Double(parts[2]) else { return nil }
        return h * 3600 + m * 60 + sec
    }

    /// Where the video stream ends, in its time base (edit-list aware for MOV/MP4), or nil if unknown.
    static func endTimestamp(_ reader: VideoReader) -> Int64? {
        let st = reader.stream.pointee
        if st.duration != cff_AV_NOPTS_VALUE, st.duration > 0 {
            let start = st.start_time != cff_AV_NOPTS_VALUE ? st.start_time : 0
            return start + st.duration
        }
        let fmt = reader.container.context.pointee
        if fmt.duration != cff_AV_NOPTS_VALUE, fmt.duration > 0 {
            let start = fmt.start_time != cff_AV_NOPTS_VALUE ? fmt.start_time : 0
            return av_rescale_q(start + fmt.duration, cff_time_base_q(), st.time_base)
        }
        return nil
    }
}
