import CFFmpeg

/// An owning wrapper around `AVFrame`. Not `Sendable`.
final class Frame: FFmpegObject<AVFrame> {
    init() { super.init("av_frame_alloc", allocate: { av_frame_alloc() }, release: { av_frame_free($0) }) }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }
    var pts: Int64 { pointer.pointee.pts }
    var bestEffortTimestamp: Int64 { pointer.pointee.best_effort_timestamp }
    var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }
    var isCorrupt: Bool { pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 || pointer.pointee.decode_error_flags != 0 }

    func unref() { av_frame_unref(pointer) }

    /// Moves the contents of `other` into this frame (other becomes empty).
    func take(from other: Frame) {
        av_frame_unref(pointer)
        av_frame_move_ref(pointer, other.pointer)
    }

    /// Makes this frame a second reference to the picture of `other` (no pixels are copied; other is unchanged).
    func reference(_ other: Frame, path: String) throws {
        av_frame_unref(pointer)
        try ffCheck(av_frame_ref(pointer, other.pointer), "av_frame_ref", path: path)
    }
}
