/// Everything that can be wrong with a file's header bytes, as `MediaFormat` reads them.
///
/// The readers work on bytes, not paths: callers add the file name when they report the error.
/// `description` is one line that names the structure at fault and what is wrong with it.
public enum MediaFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes could not be read (an I/O error); `reason` is the system's message.
    case unreadable(reason: String)
    /// The data ends inside a structure it declares; `what` names the structure ("the PNG IHDR chunk").
    case truncated(what: String)
    /// An ISO-BMFF box whose declared size is impossible: smaller than its header, beyond 64-bit offsets,
    /// or past the end of the box (or file) that holds it.
    case badBoxSize(box: String, offset: Int64, declared: UInt64, problem: String)
    /// A box (or chunk, or marker) the format requires is not there; `meaning` says why it matters.
    case missing(what: String, meaning: String)
    /// An image whose declared size is zero or larger than `ImageLimits` allow.
    case invalidDimensions(format: String, width: Int, height: Int, problem: String)
    /// A structure that is present but malformed; `detail` says how.
    case malformed(format: String, detail: String)

    /// One line naming the structure at fault and what is wrong with it.
    public var description: String {
        switch self {
        case .unreadable(let reason): return "cannot be read (\(reason))"
        case .truncated(let what): return "\(what) is cut short (truncated file?)"
        case .badBoxSize(let box, let offset, let declared, let problem):
            return "the '\(box)' box at byte \(offset) declares \(declared) bytes, \(problem)"
        case .missing(let what, let meaning): return "no \(what) (\(meaning))"
        case .invalidDimensions(let format, let width, let height, let problem):
            return "the \(format) header declares \(width)x\(height) pixels, \(problem)"
        case .malformed(let format, let detail): return "malformed \(format) header: \(detail)"
        }
    }
}
