import Synchronization
import TerminalUI
import Testing

final class RecordingTerminal: Terminal, @unchecked Sendable {
    let isInteractive: Bool
    let isColored = false
    private let store = Mutex<[String]>([])
    init(interactive: Bool) { isInteractive = interactive }
    func write(_ text: String) { store.withLock { $0.append(text) } }
    var writes: [String] { store.withLock { $0 } }
}

final class ManualClock: @unchecked Sendable {
    private let value = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { value.withLock { $0 } }
    func advance(_ d: Duration) { value.withLock { $0 = $0.advanced(by: d) } }
}

@Test func pipesGetOneLinePerStateChangeAndNoEscapes() {
    let term = RecordingTerminal(interactive: false)
    let board = StatusBoard(terminal: term)
    board.update("a", state: "QUEUED", text: "a QUEUED 0:01")
    board.update("a", state: "QUEUED", text: "a QUEUED 0:02")
    board.update("a", state: "PROCESSING", text: "a PROCESSING 0:03")
    board.flush()
    #expect(term.writes == ["a QUEUED 0:01\n", "a PROCESSING 0:03\n"])
    #expect(!term.writes.joined().contains("\u{1B}"))
}

@Test func terminalRedrawsAreThrottledToTheInterval() {
    let term = RecordingTerminal(interactive: true)
    let clock = ManualClock()
    let board = StatusBoard(terminal: term, minimumInterval: .milliseconds(100), now: { clock.now })
    for i in 0..<50 {
        board.update("a", state: "PROCESSING", text: "a \(i)")
        clock.advance(.milliseconds(10))
    }
    // 50 updates over 500 ms at 10 ms spacing: the first draws, then one every 100 ms.
    #expect(term.writes.count == 5)
    board.flush()
    #expect(term.writes.last?.contains("a 49") == true)
    #expect(term.writes.last?.hasPrefix("\u{1B}[1A") == true)
}

@Test(arguments: [(0.0, "0:00"), (59.4, "0:59"), (61, "1:01"), (142, "2:22")])
func elapsedFormatting(seconds: Double, text: String) {
    #expect(formatElapsed(seconds) == text)
}
