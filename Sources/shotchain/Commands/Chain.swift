import ArgumentParser
import Foundation
import Segmind
import SegmindSimulator
import Storyboard
import TerminalUI

extension Shotchain {
    /// Runs a storyboard: every shot validated first, then generated in order, each starting from the last frame
    /// of the one before; resumable from its journal.
    struct Chain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a storyboard of chained shots (resumable).",
            discussion: """
                Every shot is checked against the model catalog first and all problems are reported at once. \
                Running the same command again on the same --out folder continues where it stopped; a shot \
                whose submission is journaled is never submitted again. Assembly into final.mp4 is not available yet.
                """ + "\n\n" + ExitStatus.helpText)

        @Argument(help: "The storyboard (YAML or JSON).")
        var storyboard: String

        @Option(help: ArgumentHelp("The out folder (journal, shots, frames, reports).", valueName: "dir"))
        var out: String?

        @Flag(help: "Start the Segmind simulator in-process and run offline.")
        var simulate = false

        @Flag(help: "Print the plan (shots, dependencies, models, estimated cost and time) and exit.")
        var dryRun = false

        @Option(help: ArgumentHelp("Never spend more than this many US dollars.", valueName: "usd"))
        var maxCost: Double?

        @Option(help: "Independent shots run at the same time, up to this many.")
        var concurrency: Int = 1

        @Option(help: ArgumentHelp("Pay again for this shot (its submit outcome is unknown or its request expired).", valueName: "shot"))
        var resubmit: [String] = []

        @Option(
            name: .customLong("public-url"),
            help: ArgumentHelp("Public base URL for the frame server's links (a tunnel to this machine).", valueName: "url"))
        var publicBaseURL: String?

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: "Progress lines on stderr: auto, always or never.")
        var progress: String = "auto"

        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var service: ServiceOptions

        func validate() throws {
            if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
            if let maxCost, !(maxCost >= 0) { throw ValidationError("--max-cost must be a non-negative number of dollars") }
            if ProgressMode(rawValue: progress) == nil { throw ValidationError("--progress must be auto, always or never") }
            if let publicBaseURL, URL(string: publicBaseURL)?.scheme == nil { throw ValidationError("--public-url must be a URL") }
        }

        func run() async throws {
            do {
                try await reportingErrors { try await body() }
            } catch let error as StoryboardError {
                printError(error.description)
                if error.isBadInput { throw ExitCode(ExitStatus.badInput) }
                if error.needsDecision { throw ExitCode(ExitStatus.pending) }
                switch error {
                case .overBudget, .budgetReached, .verificationFailed: throw ExitCode(ExitStatus.checkFailed)
                default: throw ExitCode(ExitStatus.serviceFailed)
                }
            }
        }

        private func body() async throws {
            let file = try StoryboardFile.load(storyboard)
            let plan = try ChainPlan(storyboard: file, catalog: try catalogOptions.catalog())
            if dryRun {
                if json { return try printJSON(plan.summary(concurrency: concurrency)) }
                print(plan.describe(concurrency: concurrency))
                if let maxCost, plan.estimatedUSD > maxCost + 1e-9 {
                    throw StoryboardError.overBudget(estimatedUSD: plan.estimatedUSD, maxUSD: maxCost)
                }
                return
            }
            let outDir = out ?? (URL(fileURLWithPath: storyboard).deletingPathExtension().lastPathComponent + "-out")
            let terminal = StandardErrorTerminal(
                progress: ProgressMode(rawValue: progress) ?? .auto, environment: ProcessInfo.processInfo.environment)
            let board = terminal.isInteractive ? StatusBoard(terminal: terminal) : nil
            let quiet = ProgressMode(rawValue: progress) == .never
            let options = ChainOptions(
                outDirectory: outDir, maxCostUSD: maxCost, concurrency: concurrency, resubmit: Set(resubmit),
                publicBaseURL: (publicBaseURL ?? ProcessInfo.processInfo.environment["SHOTCHAIN_PUBLIC_URL"]).flatMap { URL(string: $0) },
                pollInterval: simulate ? 0.2 : nil,
                progress: { e in
                    let expected = e.expectedSeconds.map { " (expected ~\(formatElapsed($0)))" } ?? ""
                    let elapsed = e.elapsedSeconds.map { " \(formatElapsed($0))" } ?? ""
                    if let board {
                        board.update(e.shot, state: e.state, text: "\(e.shot): \(e.state)\(elapsed)\(expected)")
                    } else if !quiet && !["QUEUED", "PROCESSING"].contains(e.state) {
                        printError("\(e.shot): \(e.state)")
                    }
                })
            let simulator =
                simulate
                ? try await SegmindSimulator.start(SimulatorConfiguration(latency: 1, scale: 0.5, modelsDirectory: catalogOptions.modelsDirectory))
                : nil
            do {
                let configuration =
                    try simulator.map { try SegmindConfiguration(baseURL: $0.baseURL, apiKey: APIKey("simulated")) } ?? service.configuration()
                let report = try await AsyncHTTPTransport.withTransport { transport in
                    try await ChainRunner(plan: plan, client: SegmindClient(configuration: configuration, transport: transport), options: options)
                        .run()
                }
                board?.flush()
                await simulator?.stop()
                if json { return try printJSON(report) }
                for s in report.shots {
                    print("\(s.id): \(outDir)/\(s.file) (request \(s.requestID ?? "-"), $\(s.costUSD.map { String($0) } ?? "?"))")
                }
                for s in report.seams {
                    print("seam \(s.from) -> \(s.to): PSNR \(s.psnr.map { String(format: "%.1f dB", $0) } ?? "n/a")")
                }
                print("report: \(outDir)/report.json, \(outDir)/report.md")
            } catch {
                board?.flush()
                await simulator?.stop()
                throw error
            }
        }
    }
}
