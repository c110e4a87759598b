import CFFmpeg

/// The text FFmpeg gives for an error code.
func ffErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE) + 1)
    let ok = buffer.withUnsafeMutableBufferPointer { av_strerror(code, $0.baseAddress, $0.count) }
    if ok < 0 { return "error \(code)" }
    return buffer.withUnsafeBufferPointer { ptr in
        String(decoding: ptr.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Throws `MediaError.ffmpeg` when `code` is negative; returns it otherwise.
@discardableResult
func ffCheck(_ code: Int32, _ operation: @autoclosure () -> String, path: String) throws -> Int32 {
    if code < 0 {
        if code == cff_AVERROR_ENOMEM {
            throw MediaError.ffmpeg(path: path, operation: operation(), code: code, message: "out of memory")
        }
        throw MediaError.ffmpeg(path: path, operation: operation(), code: code, message: ffErrorString(code))
    }
    return code
}

/// Reads a C string pointer into a Swift String (nil for NULL).
func ffString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}

/// One-time library set-up: FFmpeg's own log output is silenced; errors travel as `MediaError`.
enum FFmpegLibrary {
    static let configured: Bool = {
        cff_set_log_quiet()
        return true
    }()

    static func ensureConfigured() { _ = configured }
}
