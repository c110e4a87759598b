/// The one error type of the `FrameServer` module: what went wrong, with the file, address or value involved.
public enum FrameServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder does not exist (or a path component is not a folder).
    case notFound(path: String)
    /// The path exists but is not a regular file (a folder, a device, a socket...).
    case notARegularFile(path: String)
    /// The file's name starts with a dot; hidden files are never published.
    case hiddenFile(path: String)
    /// The file or folder could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file changed while it was being read for publication.
    case changedWhileReading(path: String)
    /// A folder given to `publishDirectory` holds no image or video file that may be published.
    case nothingToPublish(directory: String)
    /// The public base URL is not an absolute `http` or `https` URL without query or fragment.
    case invalidPublicBaseURL(String)
    /// The host or port is not valid.
    case invalidAddress(host: String, port: Int, reason: String)
    /// The server could not listen on the address (for example, the port is in use).
    case bindFailed(host: String, port: Int, reason: String)
    /// The server has been stopped; nothing can be published any more.
    case stopped
    /// A configuration value is out of range (a timeout that is not positive, a connection cap below 1).
    case invalidConfiguration(String)
    /// The state file cannot be read, is not a frame server state file, or cannot be written.
    case stateFile(path: String, reason: String)

    /// One line naming the input and the problem.
    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or folder"
        case .notARegularFile(let path): return "\(path): not a regular file"
        case .hiddenFile(let path): return "\(path): hidden files are not published"
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
        case .changedWhileReading(let path): return "\(path): the file changed while it was being read; try again"
        case .nothingToPublish(let directory): return "\(directory): no image or video files (png, jpeg, webp, mp4, mov) to serve"
        case .invalidPublicBaseURL(let value):
            return "--public-url \(value): expected an absolute http:// or https:// URL without query or fragment"
        case .invalidAddress(let host, let port, let reason): return "\(host):\(port): invalid address (\(reason))"
        case .bindFailed(let host, let port, let reason): return "cannot listen on \(host):\(port) (\(reason))"
        case .stopped: return "the frame server has been stopped"
        case .invalidConfiguration(let reason): return "invalid frame server configuration: \(reason)"
        case .stateFile(let path, let reason): return "state file \(path): \(reason)"
        }
    }
}
