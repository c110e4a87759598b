import CFFmpeg

/// An owning wrapper around `AVFrame`. Not `Sendable`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let p = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&p)
    }

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
}
