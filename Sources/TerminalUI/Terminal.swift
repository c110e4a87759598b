#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where progress and diagnostics go. Results go to stdout; a `Terminal` is stderr.
public protocol Terminal: Sendable {
    /// True when redrawing status lines makes sense (a TTY that is not `dumb`).
    var isInteractive: Bool { get }
    /// True when ANSI colour may be used.
    var isColored: Bool { get }
    /// Writes text as is.
    func write(_ text: String)
}

/// When to show progress: `auto` follows the terminal, `always` and `never` force it.
public enum ProgressMode: String, Sendable, CaseIterable {
    case auto, always, never
}

/// The process's standard error, with TTY detection done once at creation.
public struct StandardErrorTerminal: Terminal {
    public let isInteractive: Bool
    public let isColored: Bool

    /// Detects the terminal from the environment: `isatty(2)`, `TERM` not `dumb`, `CI` unset, `NO_COLOR` unset for colour.
    public init(progress: ProgressMode = .auto, environment: [String: String]) {
        let tty = isatty(2) == 1 && environment["TERM"] != "dumb"
        switch progress {
        case .auto: isInteractive = tty && environment["CI"] == nil
        case .always: isInteractive = true
        case .never: isInteractive = false
        }
        isColored = tty && environment["NO_COLOR"] == nil
    }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBufferPointer { buf in
                #if canImport(Glibc)
                    Glibc.write(2, buf.baseAddress! + offset, buf.count - offset)
                #else
                    Darwin.write(2, buf.baseAddress! + offset, buf.count - offset)
                #endif
            }
            if n <= 0 { break }
            offset += n
        }
    }
}
