import ArgumentParser
import Foundation
import Storyboard
import TerminalUI

extension Shotchain {
    /// Runs a storyboard: every shot validated first, then generated in order, each starting from the last frame
    /// of the one before, and the shots assembled into one video; resumable from its journal.
    struct Chain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a storyboard of chained shots (resumable).",
            discussion: """
                Every shot is checked against the model catalog first and all problems are reported at once. \
                Running the same command again on the same --out folder continues where it stopped; a shot \
                whose submission is journaled is never submitted again. The shots are then joined into the \
                storyboard's output (final.mp4 by default) and report.json, report.md and contact-sheet.png are \
                written to the out folder. Every shot is checked for frozen spans, black spans and hard cuts; the \
                exit status is 1 when any shot has such a finding (the video and the reports are still written).
                """ + "\n\n" + ExitStatus.helpText)

        @Argument(help: "The storyboard (YAML or JSON).")
        var storyboard: String

        @Option(help: ArgumentHelp("The out folder (journal, shots, frames, reports).", valueName: "dir"))
        var out: String?

        @Flag(help: "Start the Segmind simulator in-process and run offline.")
        var simulate = false

        @Flag(help: "Print the plan (shots, dependencies, models, estimated cost and time) and exit.")
        var dryRun = false

        @Option(help: "Independent shots run at the same time, up to this many.")
        var concurrency: Int = 1

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: "Progress lines on stderr: auto, always or never.")
        var progress: String = "auto"

        @OptionGroup(title: "Budget") var budget: BudgetOptions
        @OptionGroup(title: "Paying again") var resume: ResumeOptions
        @OptionGroup var serving: LocalInputOptions
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var service: ServiceOptions
        @OptionGroup(title: "Simulator defects (with --simulate)") var simulatorDefects: SimulatorDefectOptions

        func validate() throws {
            if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
            if ProgressMode(rawValue: progress) == nil { throw ValidationError("--progress must be auto, always or never") }
            if simulatorDefects.isGiven && !simulate { throw ValidationError("--drift, --hold and --video-fault need --simulate") }
        }

        func run() async throws {
            try await reportingErrors {
                let plan = try ChainPlan(storyboard: try StoryboardFile.load(storyboard), catalog: try catalogOptions.catalog())
                    .pricing(try budget.prices())
                let outDir = out ?? (URL(fileURLWithPath: storyboard).deletingPathExtension().lastPathComponent + "-out")
                let session = ChainSession(command: self, plan: plan)
                var options = ChainOptions(
                    outDirectory: outDir, maxCostUSD: budget.maxCost, concurrency: concurrency, pollInterval: simulate ? 0.2 : nil)
                try resume.apply(to: &options)
                if dryRun {
                    if json { return try printJSON(plan.summary(concurrency: concurrency)) }
                    print(plan.describe(concurrency: concurrency))
                    if let preview = RunPreview.describe(plan, options: options) { print(preview) }
                    return try plan.checkEstimate(maxUSD: budget.maxCost)
                }
                let report = try await session.run(options)
                if json { try printJSON(report, encoder: ChainRunner.jsonEncoder) } else { ChainSummary.print(report, outDir: outDir) }
                // A QA finding is a check that failed, not a failed generation: the video and reports are written.
                if report.hasFindings { throw ExitCode(ExitStatus.checkFailed) }
            }
        }
    }
}
