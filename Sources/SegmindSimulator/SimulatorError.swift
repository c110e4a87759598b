/// Everything that can stop the simulator from starting.
public enum SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is out of range or malformed; the message names it.
    case invalidConfiguration(String)
    /// The server could not listen on the address.
    case bindFailed(host: String, port: Int, reason: String)

    /// One line, suitable for printing after the program name.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return message
        case .bindFailed(let host, let port, let reason): return "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
