import CFFmpeg

/// Re-encodes single GOPs of a stream-copied H.264 video with libx264 so that they can sit between copied
/// GOPs: the encoder's SPS/PPS get ids the source does not use and are added to the source's avcC record,
/// so one sample description covers both (research §3.3 (1c)). Every GOP starts with an IDR and has no
/// B-frames; its decode timestamps are shifted back by the source's reorder delay so DTS stays increasing.
/// Immutable once made: `begin` may be called from several threads (each session is used by one).
final class GOPReencoder: @unchecked Sendable {
    /// The time base frame timestamps passed to `encode` are in (the first segment's video time base).
    var timeBase: AVRational { setup.timeBase }
    /// The merged avcC record for the output stream.
    let extradata: [UInt8]
    private let encoderExtradata: [UInt8]
    private let lengthSize: Int
    private let setup: Setup
    let path: String

    private struct Setup {
        var width: Int32
        var height: Int32
        var pixelFormat: AVPixelFormat
        var timeBase: AVRational
        var frameRate: AVRational
        var sar: AVRational
        var profile: String
        var level: Int32
        var crf: Int
        var preset: String
        var id: Int
        var colorRange: AVColorRange
        var primaries: AVColorPrimaries
        var trc: AVColorTransferCharacteristic
        var space: AVColorSpace
    }

    /// Why GOP re-encoding is not possible for this stream (the caller then re-encodes everything).
    struct Unavailable: Error {
        var reason: String
    }

    /// Prepares an encoder matched to `first`'s video.
    /// - Throws: `Unavailable` when the source is not H.264 in avcC form, uses a profile or pixel format
    ///   libx264 cannot match, or has no free parameter set id.
    init(first: ConcatSegment, pixelFormat: AVPixelFormat, crf: Int, preset: String, path: String) throws {
        self.path = path
        let par = first.par.pointee
        guard par.codec_id == AV_CODEC_ID_H264 else { throw Unavailable(reason: "the video is not H.264") }
        guard let data = par.extradata, par.extradata_size > 0,
            let source = AVCConfig(Array(UnsafeBufferPointer(start: data, count: Int(par.extradata_size))))
        else { throw Unavailable(reason: "the video has no avcC record") }
        let profile: String
        // The record's own profile and level bytes (codecpar leaves them unset until frames are parsed).
        switch source.header[1] {
        case 66: profile = "baseline"
        case 77: profile = "main"
        case 100: profile = "high"
        default: throw Unavailable(reason: "H.264 profile_idc \(source.header[1]) cannot be matched by libx264 here")
        }
        let level = Int32(source.header[3])
        guard pixelFormat == AV_PIX_FMT_YUV420P else {
            throw Unavailable(reason: "pixel format \(ffString(av_get_pix_fmt_name(pixelFormat)) ?? "?") is not yuv420p")
        }
        let used = Set(source.sps.compactMap(AVCConfig.spsID) + source.pps.compactMap(AVCConfig.ppsID))
        guard let id = (0...31).first(where: { !used.contains($0) }) else {
            throw Unavailable(reason: "no free parameter set id")
        }
        var sar = par.sample_aspect_ratio
        if sar.num <= 0 { sar = AVRational(num: 1, den: 1) }
        setup = Setup(
            width: par.width, height: par.height, pixelFormat: pixelFormat, timeBase: first.timeBase,
            frameRate: first.frameRate, sar: sar, profile: profile, level: level, crf: crf, preset: preset, id: id,
            colorRange: par.color_range, primaries: par.color_primaries, trc: par.color_trc, space: par.color_space)
        lengthSize = source.lengthSize
        let encoder = try Self.open(setup, path: path)
        let ctx = encoder.context.pointee
        encoderExtradata = Array(UnsafeBufferPointer(start: ctx.extradata, count: Int(ctx.extradata_size)))
        var newSPS: [[UInt8]] = []
        var newPPS: [[UInt8]] = []
        encoderExtradata.withUnsafeBufferPointer { buffer in
            for unit in AVCConfig.annexBUnits(buffer) {
                let nal = Array(buffer[unit])
                switch nal[0] & 0x1f {
                case 7: newSPS.append(nal)
                case 8: newPPS.append(nal)
                default: break
                }
            }
        }
        guard newSPS.count == 1, newPPS.count == 1, AVCConfig.spsID(newSPS[0]) == id, AVCConfig.ppsID(newPPS[0]) == id else {
            throw Unavailable(reason: "libx264 did not produce one SPS/PPS pair with id \(id)")
        }
        var merged = source
        merged.sps.append(newSPS[0])
        merged.pps.append(newPPS[0])
        extradata = merged.bytes
    }

    private static func open(_ s: Setup, threads: Int32 = 0, path: String) throws -> CodecEncoder {
        let encoder = try CodecEncoder(name: "libx264", path: path)
        let ctx = encoder.context
        ctx.pointee.width = s.width
        ctx.pointee.height = s.height
        ctx.pointee.pix_fmt = s.pixelFormat
        ctx.pointee.time_base = s.timeBase
        if s.frameRate.num > 0 && s.frameRate.den > 0 { ctx.pointee.framerate = s.frameRate }
        ctx.pointee.sample_aspect_ratio = s.sar
        ctx.pointee.gop_size = 100_000
        ctx.pointee.max_b_frames = 0
        if s.level > 0 { ctx.pointee.level = s.level }
        ctx.pointee.color_range = s.colorRange
        ctx.pointee.color_primaries = s.primaries
        ctx.pointee.color_trc = s.trc
        ctx.pointee.colorspace = s.space
        ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        ctx.pointee.thread_count = threads
        try encoder.setOption("preset", s.preset)
        try encoder.setOption("crf", String(s.crf))
        try encoder.setOption("profile", s.profile)
        try encoder.setOption("x264-params", "sps-id=\(s.id):scenecut=0:bframes=0")
        do {
            try encoder.open(describing: "seam GOP: profile \(s.profile), sps-id \(s.id), preset \(s.preset), crf \(s.crf)")
        } catch let error as MediaError {
            throw Unavailable(reason: "libx264 refused the source's parameters (\(error))")
        }
        return encoder
    }

    /// Starts a new IDR-first GOP fed one frame at a time (see `Session`).
    /// - Parameter threads: libx264 threads (0: its own choice, frame threads for the cores).
    func begin(threads: Int32 = 0) throws -> Session {
        let encoder: CodecEncoder
        do {
            encoder = try Self.open(setup, threads: threads, path: path)
        } catch let error as Unavailable {
            throw MediaError.encodeFailed(path: path, detail: error.reason)
        }
        let ctx = encoder.context.pointee
        guard Array(UnsafeBufferPointer(start: ctx.extradata, count: Int(ctx.extradata_size))) == encoderExtradata else {
            throw MediaError.encodeFailed(path: path, detail: "libx264 produced different parameter sets for the same settings")
        }
        return Session(owner: self, encoder: encoder)
    }

    /// One GOP being encoded: frames go in as they are decoded (display order, timestamps in the source time
    /// base), packets come out in decode order, length-prefixed like the source's, pts in the source time base.
    /// Only a few frames are ever held (libx264's lookahead and frame threads).
    final class Session {
        private let owner: GOPReencoder
        private let encoder: CodecEncoder
        private(set) var framesIn = 0

        fileprivate init(owner: GOPReencoder, encoder: CodecEncoder) {
            self.owner = owner
            self.encoder = encoder
        }

        /// Encodes `frame` (the first becomes the IDR) and hands the packets ready so far to `sink`.
        func send(_ frame: Frame, into sink: (Packet) throws -> Void) throws {
            frame.pointer.pointee.pict_type = framesIn == 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
            framesIn += 1
            try encoder.encode(frame) { try sink(try owner.lengthPrefixed($0)) }
        }

        /// Drains the encoder into `sink`.
        func finish(into sink: (Packet) throws -> Void) throws {
            try encoder.encode(nil) { try sink(try owner.lengthPrefixed($0)) }
        }
    }

    /// The packet's Annex B NAL units rewritten with big-endian length prefixes (parameter sets and access
    /// unit delimiters dropped: they are in the avcC record).
    private func lengthPrefixed(_ packet: Packet) throws -> Packet {
        let p = packet.pointer.pointee
        var bytes: [UInt8] = []
        let buffer = UnsafeBufferPointer(start: p.data, count: Int(p.size))
        for unit in AVCConfig.annexBUnits(buffer) {
            let type = buffer[unit.lowerBound] & 0x1f
            if type == 7 || type == 8 || type == 9 { continue }
            let n = unit.count
            for k in stride(from: lengthSize - 1, through: 0, by: -1) { bytes.append(UInt8((n >> (8 * k)) & 0xff)) }
            bytes.append(contentsOf: buffer[unit])
        }
        let out = Packet()
        guard av_new_packet(out.pointer, Int32(bytes.count)) >= 0 else {
            throw MediaError.encodeFailed(path: path, detail: "out of memory")
        }
        bytes.withUnsafeBufferPointer { out.pointer.pointee.data.update(from: $0.baseAddress!, count: bytes.count) }
        out.pointer.pointee.pts = p.pts
        out.pointer.pointee.dts = p.dts
        out.pointer.pointee.duration = p.duration
        out.pointer.pointee.flags = p.flags
        return out
    }
}
