import CFFmpeg

/// A libx264 encoder fed decoded source frames: the first frame becomes an IDR picture, and the source's own
/// picture types never leak in (libx264 would turn every decoded I picture into a keyframe).
final class X264Encoder {
    let encoder: CodecEncoder
    private(set) var framesIn = 0

    /// Opens an encoder with `setup`.
    init(_ setup: X264Setup, threads: Int32 = 0, path: String) throws {
        encoder = try setup.open(threads: threads, path: path)
    }

    /// Encodes `frame` (its pts is set to `pts` when given) and hands the packets ready so far to `sink`.
    func encode(_ frame: Frame, pts: Int64? = nil, into sink: (Packet) throws -> Void) throws {
        if let pts { frame.pointer.pointee.pts = pts }
        frame.pointer.pointee.pict_type = framesIn == 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        frame.pointer.pointee.key_frame = framesIn == 0 ? 1 : 0
        framesIn += 1
        try encoder.encode(frame, into: sink)
    }

    /// Drains the encoder into `sink`.
    func flush(into sink: (Packet) throws -> Void) throws {
        try encoder.encode(nil, into: sink)
    }

    /// The encoder's extradata (Annex B SPS/PPS with a global header).
    var extradata: [UInt8] {
        let ctx = encoder.context.pointee
        guard let data = ctx.extradata, ctx.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ctx.extradata_size)))
    }
}
