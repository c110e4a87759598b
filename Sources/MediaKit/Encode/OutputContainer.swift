import CFFmpeg
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output file being muxed (an owning wrapper around an output `AVFormatContext`). Not `Sendable`.
///
/// Everything is written to a temporary name in the destination folder; `commit()` writes the trailer
/// and renames it into place. Until then, and if anything fails, `deinit` closes and deletes the
/// temporary file, so nothing half-written is ever left at the destination.
final class OutputContainer {
    /// The destination path (what the user asked for).
    let path: String
    /// The temporary file being written, in the same folder as `path`.
    let temporaryPath: String
    let context: UnsafeMutablePointer<AVFormatContext>
    private var headerWritten = false
    private var committed = false

    /// Creates the temporary file and the muxer for `path` (`mov` for a .mov path, `mp4` otherwise).
    init(path: String) throws {
        FFmpegLibrary.ensureConfigured()
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MediaError.outputFailed(path: path, detail: "it is a directory")
        }
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw MediaError.outputFailed(path: path, detail: "folder \(directory) does not exist")
        }
        let token = UUID().uuidString.prefix(8).lowercased()
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(token).partial").path
        let formatName = url.pathExtension.lowercased() == "mov" ? "mov" : "mp4"
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let code = avformat_alloc_output_context2(&ctx, nil, formatName, temporaryPath)
        guard code >= 0, let ctx else {
            throw MediaError.encodeFailed(path: path, detail: "cannot create the \(formatName) muxer: \(ffErrorString(code))")
        }
        context = ctx
        let openCode = avio_open(&ctx.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        if openCode < 0 {
            // deinit runs (every stored property is set) and frees the context.
            throw MediaError.outputFailed(path: path, detail: "cannot create \(temporaryPath): \(ffErrorString(openCode))")
        }
    }

    deinit {
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !committed { unlink(temporaryPath) }
    }

    /// True when the muxer wants codec headers out of band (`AV_CODEC_FLAG_GLOBAL_HEADER`).
    var wantsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// Adds a stream carrying `encoder`'s output (call after the encoder is open). Returns its index.
    func addStream(for encoder: CodecEncoder, frameRate: Rational? = nil) throws -> Int {
        guard let st = avformat_new_stream(context, nil) else {
            throw MediaError.encodeFailed(path: path, detail: "cannot add a stream: out of memory")
        }
        try check(avcodec_parameters_from_context(st.pointee.codecpar, encoder.context), "copying codec parameters")
        st.pointee.time_base = encoder.context.pointee.time_base
        if let frameRate {
            st.pointee.avg_frame_rate = frameRate.av
            st.pointee.r_frame_rate = frameRate.av
        }
        return Int(st.pointee.index)
    }

    /// The time base the muxer chose for a stream (valid after `writeHeader`).
    func timeBase(ofStream index: Int) -> AVRational { context.pointee.streams[index]!.pointee.time_base }

    /// Writes the file header. `fastStart` puts the index (moov) before the media data: when `maxSamples` (an
    /// upper bound of the packets of all streams) is known, room for the index is reserved behind the header
    /// and the index is written there at `commit()` (see `reservedIndexBytes`); otherwise movenc's `faststart`
    /// rewrites the whole file once more at `commit()` to move the index to the front.
    /// `movieTimescale` sets the mvhd/elst time scale (movenc's default is 1000).
    func writeHeader(fastStart: Bool, movieTimescale: Int? = nil, maxSamples: Int? = nil) throws {
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if fastStart, let maxSamples {
            av_dict_set(&options, "moov_size", String(Self.reservedIndexBytes(maxSamples: maxSamples, context: context)), 0)
        } else if fastStart {
            av_dict_set(&options, "movflags", "+faststart", 0)
        }
        if let movieTimescale { av_dict_set(&options, "movie_timescale", String(movieTimescale), 0) }
        try check(avformat_write_header(context, &options), "writing the header")
        headerWritten = true
    }

    /// A movie time scale in which both the video and the audio track ends are exact, so the edit lists (in movie
    /// units) cut nothing: movenc's default of 1000 would round a 242000-sample AAC track down to 5.041 s.
    /// nil (movenc's default) when the common multiple does not fit in 32 bits.
    static func movieTimescale(videoTimeBase: AVRational, sampleRate: Int?) -> Int? {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        // movenc's choice for a video track: the time base denominator, doubled until it reaches 10000.
        var video = max(1, Int(videoTimeBase.den) / max(1, gcd(Int(videoTimeBase.num), Int(videoTimeBase.den))))
        while video < 10000 { video *= 2 }
        var scale = video
        if let sampleRate, sampleRate > 0 { scale = scale / gcd(scale, sampleRate) * sampleRate }
        return scale <= Int(Int32.max) ? scale : nil
    }

    /// The room to reserve for the index of a file with at most `maxSamples` packets: per sample at most 4 bytes
    /// of stsz, 8 of stts, 8 of ctts, 8 of co64, 12 of stsc, 4 of stss and 1 of sdtp (45, rounded up to 48),
    /// plus the codec configuration records and 64 KiB for the fixed boxes and metadata. What is not used
    /// becomes a `free` box; a bound that is too small would fail the trailer, so it is deliberately generous.
    static func reservedIndexBytes(maxSamples: Int, context: UnsafeMutablePointer<AVFormatContext>) -> Int {
        var extradata = 0
        for i in 0..<Int(context.pointee.nb_streams) {
            extradata += Int(context.pointee.streams[i]!.pointee.codecpar.pointee.extradata_size)
        }
        return 65_536 + 2 * extradata + 48 * max(0, maxSamples)
    }

    /// Writes an encoded packet of stream `index`, whose timestamps are in `timeBase`.
    /// The packet is consumed (unreferenced) by the interleaver.
    func write(_ packet: Packet, stream index: Int, from sourceTimeBase: AVRational) throws {
        packet.pointer.pointee.stream_index = Int32(index)
        av_packet_rescale_ts(packet.pointer, sourceTimeBase, timeBase(ofStream: index))
        try check(av_interleaved_write_frame(context, packet.pointer), "writing a packet")
    }

    /// Flushes the interleaver, writes the trailer (and the fast-start move), closes the file and renames
    /// it to `path`. After this the container is finished.
    func commit() throws {
        guard headerWritten else { throw MediaError.encodeFailed(path: path, detail: "no header was written") }
        try check(av_write_trailer(context), "writing the trailer")
        let closeCode = avio_closep(&context.pointee.pb)
        if closeCode < 0 {
            throw MediaError.outputFailed(path: path, detail: "closing \(temporaryPath): \(ffErrorString(closeCode))")
        }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            throw MediaError.outputFailed(path: path, detail: "cannot rename \(temporaryPath) into place: \(reason)")
        }
        committed = true
    }

    private func check(_ code: Int32, _ what: String) throws {
        if code < 0 {
            throw MediaError.encodeFailed(path: path, detail: "\(what): \(ffErrorString(code))")
        }
    }
}
