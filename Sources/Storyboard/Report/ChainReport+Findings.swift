import Foundation
import MediaKit

extension ChainReport {
    /// True when a shot has a QA finding (a frozen span, a black span or a cut): `chain` then exits 1.
    public var hasFindings: Bool { shots.contains { !($0.findings ?? []).isEmpty } }

    /// One line per finding, in shot order: `shot b: frozen from 1.250 s to 2.000 s`.
    public var findingLines: [String] {
        shots.flatMap { shot in (shot.findings ?? []).map { "shot \(shot.id): \(Self.describe($0))" } }
    }

    /// A finding's kind and span in words.
    static func describe(_ f: ShotFinding) -> String {
        let span = String(format: "%.3f s", f.startSeconds)
        switch f.kind {
        case .cut: return "cut at \(span)"
        case .frozen, .black: return "\(f.kind.rawValue) from \(span) to \(String(format: "%.3f s", f.endSeconds))"
        }
    }
}
