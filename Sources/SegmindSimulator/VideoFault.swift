import Foundation

/// A defect put into one video: a frozen span, a black span or a hard cut, when the job's prompt contains `prompt`.
///
/// Spans are in the video's own seconds at 24 fps: the frames whose time `index / 24` lies in
/// `start ..< start + seconds` are frozen (they show the frame at `start`) or black; from `start` on a cut shows an
/// unrelated picture, with the motion continuing on it.
public struct VideoFault: Sendable, Equatable {
    /// What is put in.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The picture stops for `seconds`.
        case freeze
        /// The picture is black for `seconds`.
        case black
        /// The picture jumps to an unrelated one at `start` (and stays there).
        case cut
    }

    /// What is put in.
    public var kind: Kind
    /// Text the job's prompt must contain.
    public var prompt: String
    /// Where it starts in the video, seconds.
    public var start: Double
    /// How long it lasts, seconds (ignored for a cut).
    public var seconds: Double

    /// A fault from its parts.
    public init(kind: Kind, prompt: String, start: Double, seconds: Double) {
        self.kind = kind
        self.prompt = prompt
        self.start = start
        self.seconds = seconds
    }

    /// A fault written `KIND:START:SECONDS:PROMPT-TEXT` (`freeze:1.5:0.75:[frozen]`); the prompt text is the rest
    /// of the value and may itself hold colons.
    /// - Throws: ``SimulatorError/invalidConfiguration(_:)`` naming `--video-fault` and the bad part.
    public init(parsing text: String) throws(SimulatorError) {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard parts.count == 4 else {
            throw .invalidConfiguration("--video-fault: '\(text)' is not KIND:START:SECONDS:PROMPT-TEXT (kinds \(kinds))")
        }
        guard let kind = Kind(rawValue: parts[0]) else {
            throw .invalidConfiguration("--video-fault: unknown kind '\(parts[0])' in '\(text)' (use \(kinds))")
        }
        guard let start = Double(parts[1]), let seconds = Double(parts[2]) else {
            throw .invalidConfiguration("--video-fault: START and SECONDS of '\(text)' must be numbers of seconds")
        }
        self.init(kind: kind, prompt: parts[3], start: start, seconds: seconds)
        try validate()
    }

    /// Checks the values, throwing ``SimulatorError/invalidConfiguration(_:)`` naming `--video-fault`.
    public func validate() throws(SimulatorError) {
        guard !prompt.isEmpty else { throw .invalidConfiguration("--video-fault: the prompt text of a \(kind.rawValue) fault must not be empty") }
        guard start.isFinite && start >= 0 && start <= 600 else {
            throw .invalidConfiguration("--video-fault: start \(start) of the \(kind.rawValue) fault must be 0 to 600 seconds")
        }
        guard seconds.isFinite && seconds >= 0 && seconds <= 600 && (kind == .cut || seconds > 0) else {
            throw .invalidConfiguration("--video-fault: the \(kind.rawValue) fault must last more than 0 and at most 600 seconds")
        }
    }

    /// Whether frame `index` of a 24 fps video lies in the fault's span (for a cut: at or after its start).
    func covers(_ index: Int) -> Bool {
        let first = firstFrame
        guard index >= first else { return false }
        return kind == .cut || index < first + max(1, Int((seconds * 24).rounded()))
    }

    /// The first frame of the span: the first whose time is at or after `start`.
    var firstFrame: Int { Int((start * 24 - 1e-9).rounded(.up)) }
}
