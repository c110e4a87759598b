/// Everything that can go wrong in MediaKit, with the context a user needs to act on it.
///
/// Every case names the file it is about. `description` is one line, suitable for printing
/// after the program name.
public enum MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path does not exist.
    case fileNotFound(path: String)
    /// The path is a directory or another non-regular file.
    case notARegularFile(path: String)
    /// The file exists but holds no bytes.
    case emptyFile(path: String)
    /// The file could not be read as any media container FFmpeg knows.
    case unrecognizedFormat(path: String, reason: String)
    /// The container has no stream of the kind the operation needs.
    case noStream(path: String, kind: String)
    /// The file is cut short: its index refers to data past the end of the file.
    case truncated(path: String, detail: String)
    /// Decoding failed or produced corrupt frames.
    case decodeFailed(path: String, detail: String)
    /// An image or frame is larger than the configured pixel limit.
    case tooManyPixels(path: String, width: Int, height: Int, limit: Int)
    /// A requested frame (index, time) is outside the stream.
    case frameOutOfRange(path: String, detail: String)
    /// The extracted frame could not be confirmed to be the one requested.
    case unconfirmedFrame(path: String, detail: String)
    /// An output file could not be written.
    case outputFailed(path: String, detail: String)
    /// An argument is invalid (unsupported output extension, negative time, ...).
    case invalidArgument(String)
    /// Encoding or muxing an output file failed (no encoder, rejected settings, a write error, ...).
    case encodeFailed(path: String, detail: String)
    /// An FFmpeg call failed in a way not covered above.
    case ffmpeg(path: String, operation: String, code: Int32, message: String)

    /// The file the error is about, when there is one.
    public var path: String? {
        switch self {
        case .fileNotFound(let p), .notARegularFile(let p), .emptyFile(let p): return p
        case .unrecognizedFormat(let p, _), .noStream(let p, _), .truncated(let p, _), .decodeFailed(let p, _):
            return p
        case .tooManyPixels(let p, _, _, _), .frameOutOfRange(let p, _), .unconfirmedFrame(let p, _):
            return p
        case .outputFailed(let p, _), .ffmpeg(let p, _, _, _): return p
        case .encodeFailed(let p, _): return p
        case .invalidArgument: return nil
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .notARegularFile(let p): return "\(p): not a regular file (a directory?)"
        case .emptyFile(let p): return "\(p): file is empty"
        case .unrecognizedFormat(let p, let r): return "\(p): not a readable video or image (\(r))"
        case .noStream(let p, let k): return "\(p): has no \(k) stream"
        case .truncated(let p, let d): return "\(p): file is truncated (\(d))"
        case .decodeFailed(let p, let d): return "\(p): cannot be decoded (\(d))"
        case .tooManyPixels(let p, let w, let h, let l):
            return "\(p): \(w)x\(h) is \(w * h) pixels, above the limit of \(l) pixels"
        case .frameOutOfRange(let p, let d): return "\(p): \(d)"
        case .unconfirmedFrame(let p, let d): return "\(p): cannot confirm the requested frame (\(d))"
        case .outputFailed(let p, let d): return "\(p): cannot write output (\(d))"
        case .invalidArgument(let m): return m
        case .encodeFailed(let p, let d): return "\(p): cannot encode (\(d))"
        case .ffmpeg(let p, let op, let code, let m): return "\(p): \(op) failed: \(m) (\(code))"
        }
    }
}
