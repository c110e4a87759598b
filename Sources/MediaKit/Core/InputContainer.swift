import CFFmpeg

/// An open input file (an owning wrapper around `AVFormatContext`).
///
/// Not `Sendable`: confine each instance to one task. Stream and codec parameter pointers
/// handed out by it are valid only while the container is alive.
final class InputContainer {
    let path: String
    let context: UnsafeMutablePointer<AVFormatContext>
    /// The size of the file in bytes.
    let fileSize: Int64

    /// Opens `path` without reading stream info (fast for MP4/MOV, where the header has it all).
    init(path: String) throws {
        FFmpegLibrary.ensureConfigured()
        self.path = path
        self.fileSize = try MediaFile.checkReadable(path)
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_open_input(&ctx, path, nil, nil)
        guard code >= 0, let ctx else {
            if code == cff_AVERROR_INVALIDDATA {
                throw MediaError.unrecognizedFormat(path: path, reason: "invalid data found when processing input")
            }
            throw MediaError.unrecognizedFormat(path: path, reason: ffErrorString(code))
        }
        self.context = ctx
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    /// The demuxer's short name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "png_pipe", ...).
    var formatName: String { ffString(context.pointee.iformat.pointee.name) ?? "unknown" }

    /// Number of streams.
    var streamCount: Int { Int(context.pointee.nb_streams) }

    /// The stream at `index`.
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        precondition(index >= 0 && index < streamCount)
        return context.pointee.streams[index]!
    }

    /// Runs `avformat_find_stream_info` (needed for formats whose header does not describe the streams).
    func findStreamInfo() throws {
        let code = avformat_find_stream_info(context, nil)
        if code < 0 {
            throw MediaError.unrecognizedFormat(path: path, reason: "cannot read stream information: \(ffErrorString(code))")
        }
    }

    /// The best stream of a media type, or nil.
    func bestStream(_ type: AVMediaType) -> Int? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        return index >= 0 ? Int(index) : nil
    }

    /// Reads the next packet into `packet`. Returns false at end of file.
    /// Read errors other than EOF are thrown.
    func read(into packet: Packet) throws -> Bool {
        av_packet_unref(packet.pointer)
        let code = av_read_frame(context, packet.pointer)
        if code == cff_AVERROR_EOF { return false }
        if code < 0 {
            throw MediaError.decodeFailed(path: path, detail: "read error: \(ffErrorString(code))")
        }
        return true
    }

    /// Seeks `stream` to the keyframe at or before `timestamp` (in the stream's time base).
    func seek(stream: Int, to timestamp: Int64, backward: Bool = true) throws {
        let flags: Int32 = backward ? AVSEEK_FLAG_BACKWARD : 0
        try ffCheck(av_seek_frame(context, Int32(stream), timestamp, flags), "seek", path: path)
    }

    /// Goes back to the first packet of `stream` (a seek to the first index entry, or to the stream's start).
    ///
    /// Used to decode a file that was already read once (by a probe) without opening it again.
    func rewind(stream: Int) throws {
        let st = self.stream(stream)
        var target: Int64 = 0
        if avformat_index_get_entries_count(st) > 0, let first = avformat_index_get_entry(st, 0) {
            target = first.pointee.timestamp
        } else if st.pointee.start_time != cff_AV_NOPTS_VALUE {
            target = st.pointee.start_time
        }
        try seek(stream: stream, to: target, backward: true)
    }

    /// Copies of the demuxer's index entries for a stream (the pointers FFmpeg hands out
    /// are invalidated by any later call on the context, so they are copied at once).
    func indexEntries(stream: Int) -> [IndexEntry] {
        let st = self.stream(stream)
        let count = Int(avformat_index_get_entries_count(st))
        var entries: [IndexEntry] = []
        entries.reserveCapacity(count)
        for i in 0..<count {
            guard let e = avformat_index_get_entry(st, Int32(i)) else { continue }
            let flags = e.pointee.flags
            entries.append(
                IndexEntry(
                    pos: e.pointee.pos,
                    timestamp: e.pointee.timestamp,
                    size: Int32(e.pointee.size),
                    isKeyframe: flags & AVINDEX_KEYFRAME != 0,
                    isDiscarded: flags & AVINDEX_DISCARD_FRAME != 0
                ))
        }
        return entries
    }

    /// Makes the demuxer skip every stream except those listed.
    func discardAll(except keep: Set<Int>) {
        for i in 0..<streamCount {
            stream(i).pointee.discard = keep.contains(i) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
    }
}

/// A copied demuxer index entry. `timestamp` is a DTS in the stream's time base.
struct IndexEntry: Sendable, Hashable {
    var pos: Int64
    var timestamp: Int64
    var size: Int32
    var isKeyframe: Bool
    var isDiscarded: Bool
}
