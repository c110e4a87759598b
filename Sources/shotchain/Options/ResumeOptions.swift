import ArgumentParser
import Storyboard

/// What a resumed `chain` run may pay for again: the user's word, never the tool's guess.
struct ResumeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pay again for this shot (its submit outcome is unknown or its request expired).", valueName: "shot"))
    var resubmit: [String] = []

    @Flag(help: "Pay for new takes of the shots that no longer match the storyboard (edited, or built on a changed shot).")
    var regenerate = false

    @Option(help: ArgumentHelp("Roll a new take of this shot and regenerate what depends on it (repeatable).", valueName: "shot"))
    var redo: [String] = []

    @Option(help: ArgumentHelp("Put take N of a shot back in use and regenerate what depends on it (repeatable).", valueName: "shot=n"))
    var pick: [String] = []

    func validate() throws { _ = try picks() }

    /// `--pick` as shot id to take number.
    func picks() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for p in pick {
            let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]), n >= 1 else {
                throw ValidationError("--pick \(p): expected SHOT=N with N a take number (1, 2, ...)")
            }
            out[parts[0]] = n
        }
        return out
    }

    /// These options applied to `options`.
    func apply(to options: inout ChainOptions) throws {
        options.resubmit = Set(resubmit)
        options.regenerate = regenerate
        options.redo = Set(redo)
        options.pick = try picks()
    }
}
