import Foundation

/// A block of status lines (one per job) redrawn in place on an interactive terminal, at most
/// once per `minimumInterval`; on a pipe it prints a plain line only when a job's state changes.
///
/// Time comes from an injected clock reading so tests control throttling.
public final class StatusBoard: @unchecked Sendable {
    private let terminal: any Terminal
    private let minimumInterval: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var lines: [(key: String, text: String, state: String)] = []
    private var drawnLineCount = 0
    private var lastDraw: ContinuousClock.Instant?
    private var dirty = false
    private let lock = NSLock()

    /// - Parameters:
    ///   - terminal: where to draw (usually stderr).
    ///   - minimumInterval: the shortest time between two redraws (100 ms = at most 10 per second).
    ///   - now: the clock.
    public init(
        terminal: any Terminal, minimumInterval: Duration = .milliseconds(100),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.terminal = terminal
        self.minimumInterval = minimumInterval
        self.now = now
    }

    /// Sets the line for `key`. `state` is a short word; a change of state prints a line on pipes.
    public func update(_ key: String, state: String, text: String) {
        lock.withLock {
            if let i = lines.firstIndex(where: { $0.key == key }) {
                let changed = lines[i].state != state
                lines[i] = (key, text, state)
                if !terminal.isInteractive && changed { terminal.write(text + "\n") }
            } else {
                lines.append((key, text, state))
                if !terminal.isInteractive { terminal.write(text + "\n") }
            }
            dirty = true
            drawIfDue(force: false)
        }
    }

    /// Draws pending changes now (call at the end so the final state is on screen).
    public func flush() {
        lock.withLock { drawIfDue(force: true) }
    }

    private func drawIfDue(force: Bool) {
        guard terminal.isInteractive, dirty else { return }
        let t = now()
        if !force, let last = lastDraw, last.duration(to: t) < minimumInterval { return }
        var out = ""
        if drawnLineCount > 0 { out += "\u{1B}[\(drawnLineCount)A" }
        for line in lines { out += "\r\u{1B}[2K" + line.text + "\n" }
        terminal.write(out)
        drawnLineCount = lines.count
        lastDraw = t
        dirty = false
    }
}

/// Formats seconds as "m:ss" for elapsed and expected times.
public func formatElapsed(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
}
