import Foundation

/// One problem in a storyboard file: the shot (or `defaults`), the field, and what is wrong.
public struct StoryboardIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The shot id, `defaults`, or `storyboard` for the file as a whole.
    public var shot: String
    /// The field, such as `start_image` or `duration`.
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates an issue.
    public init(shot: String, field: String, message: String) {
        self.shot = shot
        self.field = field
        self.message = message
    }

    /// `shot <id>, <field>: <message>`.
    public var description: String { "shot \(shot), \(field): \(message)" }
}

/// Why a storyboard could not be planned, run or resumed. `description` is one line (plus one line per issue).
public enum StoryboardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read or parsed.
    case unreadable(path: String, message: String)
    /// The file has problems; every one found is listed.
    case invalid(path: String, issues: [StoryboardIssue])
    /// The estimated cost is above `--max-cost`; nothing was sent.
    case overBudget(estimatedUSD: Double, maxUSD: Double)
    /// `--max-cost` is set but these shots' models have no published price; nothing was sent.
    case unpriced(shots: [String], models: [String], maxUSD: Double)
    /// Submitting this shot would take the spent total over `--max-cost`; the run stopped before it.
    case budgetReached(shot: String, spentUSD: Double, shotUSD: Double, maxUSD: Double)
    /// A submit was journaled as started but its request id was never recorded: it may or may not have been accepted.
    case outcomeUnknown(shot: String)
    /// As `outcomeUnknown`, after the account's request history was searched for the request and did not have it.
    case unreconciled(shot: String, searched: String)
    /// The shot's job FAILED on the service (it may have been charged); it is not tried again without `--redo`.
    case jobFailed(shot: String, requestID: String, reason: String, costUSD: Double?)
    /// The request recorded for this shot no longer exists on the service (404).
    case expired(shot: String, requestID: String)
    /// The journal in the out folder was written for shots that have changed since.
    case journalMismatch(path: String, changed: [String])
    /// Another run holds the out folder (its process id, when it could be read).
    case locked(path: String, pid: Int32?)
    /// Shots whose take in use no longer matches the storyboard (edited, or built on a shot that changed); nothing
    /// was sent. `--regenerate` pays for exactly these.
    case regenerationNeeded(path: String, shots: [StaleShot], estimatedUSD: Double)
    /// The journal cannot be read or written.
    case journal(path: String, message: String)
    /// A shot's output does not match what was asked for.
    case verificationFailed(shot: String, path: String, failures: [String])
    /// A shot could not be run (service error, bad download, media problem); the message names the cause.
    case shotFailed(shot: String, message: String)
    /// The report (`report.json`, `report.md`, the contact sheet) could not be written; the shots are done.
    case report(path: String, message: String)

    /// True when the input (storyboard, flags, journal) is at fault rather than the service.
    public var isBadInput: Bool {
        switch self {
        case .unreadable, .invalid, .journalMismatch, .regenerationNeeded, .journal, .report, .locked: return true
        default: return false
        }
    }

    /// True when nothing is lost and the user has to decide (unknown outcome, expired request).
    public var needsDecision: Bool {
        switch self {
        case .outcomeUnknown, .unreconciled, .expired: return true
        default: return false
        }
    }

    /// The message.
    public var description: String {
        switch self {
        case .unreadable(let p, let m): return "storyboard \(p): \(m)"
        case .invalid(let p, let issues):
            let s = issues.count == 1 ? "" : "s"
            return "storyboard \(p): \(issues.count) problem\(s):\n" + issues.map { "  " + $0.description }.joined(separator: "\n")
        case .overBudget(let e, let m):
            return "estimated cost $\(money(e)) is above --max-cost $\(money(m)); nothing was sent"
        case .unpriced(let shots, let models, let m):
            return
                "--max-cost $\(money(m)) cannot be kept: \(models.joined(separator: ", ")) \(models.count == 1 ? "has" : "have") no published price (shot\(shots.count == 1 ? "" : "s") \(shots.joined(separator: ", "))); give an estimate with --price SLUG=USD, or run without --max-cost; nothing was sent"
        case .budgetReached(let shot, let spent, let cost, let m):
            return
                "shot \(shot): stopped before submitting; $\(money(spent)) spent plus its estimated $\(money(cost)) would exceed --max-cost $\(money(m))"
        case .outcomeUnknown(let shot):
            return
                "shot \(shot): a submit was started but its request id was never recorded, so it may have been accepted (and paid); check your Segmind dashboard, then run again with --resubmit \(shot) to pay for it again"
        case .unreconciled(let shot, let searched):
            return
                "shot \(shot): a submit was started but its request id was never recorded, and the request history does not show it yet (searched: \(searched)); it may still appear there: run again later, or, if your Segmind dashboard shows no such request, run again with --resubmit \(shot) to pay for it again"
        case .jobFailed(let shot, let id, let reason, let cost):
            let charged = cost.map { "the request history says it cost $\(money($0))" } ?? "it may have been charged"
            return
                "shot \(shot): the service's job \(id) FAILED: \(reason); \(charged). Change the shot if the reason calls for it, then run again with --redo \(shot) to pay for a new take"
        case .expired(let shot, let id):
            return "shot \(shot): request \(id) has expired on the service (404); run again with --resubmit \(shot) to pay for it again"
        case .journalMismatch(let p, let changed):
            return
                "journal \(p) was written for a different storyboard: changed shot\(changed.count == 1 ? "" : "s") \(changed.joined(separator: ", ")); use another --out folder, or --regenerate to pay for new takes of them"
        case .locked(let p, let pid):
            return "out folder \(p) is in use by another run\(pid.map { " (process \($0))" } ?? ""); wait for it to finish, or use another --out"
        case .regenerationNeeded(let p, let shots, let cost):
            let list = shots.map { "  \($0.id): \($0.reason)" }.joined(separator: "\n")
            return
                "journal \(p): \(shots.count) shot\(shots.count == 1 ? "" : "s") no longer match\(shots.count == 1 ? "es" : "") the storyboard; nothing was sent. Regenerating \(shots.count == 1 ? "it" : "them") costs about $\(money(cost)): run again with --regenerate (earlier takes are kept), or use another --out folder:\n\(list)"
        case .journal(let p, let m): return "journal \(p): \(m)"
        case .verificationFailed(let shot, let p, let f): return "shot \(shot): \(p) does not match the request: \(f.joined(separator: "; "))"
        case .shotFailed(let shot, let m): return "shot \(shot): \(m)"
        case .report(let p, let m): return "report \(p): \(m)"
        }
    }
}

/// `1.234` style dollar amounts (at most three decimals).
func money(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return String(format: "%.3f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression).replacingOccurrences(
        of: #"\.$"#, with: ".00", options: .regularExpression)
}
