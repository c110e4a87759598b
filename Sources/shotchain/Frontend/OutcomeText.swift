import Foundation
import Segmind

/// The plain-text summary of a finished generation.
enum OutcomeText {
    static func describe(_ o: GenerationOutcome) -> String {
        var parts = ["wrote \(o.file.path) (\(o.file.byteCount) bytes, \(o.file.kind.rawValue) \(o.file.width)x\(o.file.height)"]
        if let d = o.file.durationSeconds { parts[0] += String(format: ", %.3f s", d) }
        parts[0] += ")"
        if let id = o.job?.requestID ?? o.accounting.requestID { parts.append("request \(id)") }
        if let c = o.accounting.cost { parts.append("cost \(c)") }
        if let r = o.accounting.remainingCredits { parts.append("credits left \(r)") }
        if let t = o.accounting.generationTime { parts.append(String(format: "generation %.1f s", t)) }
        return parts.joined(separator: "; ")
    }
}
