import ArgumentParser
import Foundation
import Segmind
import TerminalUI

extension Shotchain {
    /// Runs one Segmind generation: validate, submit (v2), poll, download and check the output.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one Segmind generation and download the result.",
            discussion: """
                Parameters are checked against the model catalog before anything is sent. v2 (submit, poll, \
                fetch) is the default; --sync uses v1. The request id is printed as soon as the job is accepted.

                --input KEY=PATH takes a local file as well as a URL (repeat it for list parameters such as \
                image_urls; local files follow the URLs in a list). Local files are checked against the model's \
                input limits with every other parameter before anything is sent, then served by an in-process \
                frame server (127.0.0.1 and a free port unless --serve-host/--serve-port say otherwise) at \
                unguessable URLs until the job is COMPLETED or FAILED or the deadline passes. Those URLs are on \
                this machine: against a --base-url that is not loopback, give --public-url BASE (or \
                SHOTCHAIN_PUBLIC_URL) for a tunnel or reverse proxy forwarding BASE/f/... to the frame server, \
                or upload the file and pass its URL. --no-wait is refused with local files: they would stop \
                being served when the command exits, before the service fetched them.
                """ + "\n\n" + ExitStatus.helpText)

        @Argument(help: "The model slug (see `shotchain models`).")
        var slug: String

        @Option(help: "The prompt (same as --param prompt=TEXT).")
        var prompt: String?

        @Option(
            name: .customLong("param"),
            help: ArgumentHelp("A parameter; VALUE is read as JSON when it parses, else as a string.", valueName: "key=value"))
        var params: [String] = []

        @Option(
            name: .customLong("input"),
            help: ArgumentHelp("A URL (or local file) for a URL parameter; repeat for lists.", valueName: "key=path-or-url"))
        var inputs: [String] = []

        @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the output.", valueName: "file"))
        var output: String?

        @Flag(help: "Use the synchronous v1 API (holds the connection for the whole generation).")
        var sync = false

        @Flag(help: "Submit and print the request id without waiting.")
        var noWait = false

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: ArgumentHelp("Seconds to wait for the job (default: the model's deadline).", valueName: "seconds"))
        var deadline: Double?

        @Option(help: ArgumentHelp("Seconds between polls (default: the model's).", valueName: "seconds"))
        var interval: Double?

        @Option(help: "Progress lines on stderr: auto, always or never.")
        var progress: String = "auto"

        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup var service: ServiceOptions
        @OptionGroup(title: "Local inputs") var localInputOptions: LocalInputOptions

        func validate() throws {
            if output == nil && !noWait { throw ValidationError("-o/--output FILE is required (unless --no-wait)") }
            if sync && noWait { throw ValidationError("--sync and --no-wait cannot be combined") }
            if ProgressMode(rawValue: progress) == nil { throw ValidationError("--progress must be auto, always or never") }
        }

        func run() async throws {
            try await reportingErrors {
                let catalog = try catalogOptions.catalog()
                let model = try catalog.model(slug)
                let parsed = try GenerateArguments.parse(prompt: prompt, params: params, inputs: inputs, model: model)
                let serving = LocalInputServing(options: localInputOptions)
                let environment = ProcessInfo.processInfo.environment
                let serviceBase = try? SegmindConfiguration.normalise(
                    service.baseURL ?? environment["SEGMIND_BASE_URL"] ?? SegmindConfiguration.defaultBaseURL)
                let servingProblems = serving.problems(inputs: parsed.localInputs, serviceBaseURL: serviceBase, noWait: noWait)
                let validated: ValidatedRequest
                do {
                    validated = try RequestValidator().validate(model: model, parameters: parsed.parameters, localInputs: parsed.localInputs)
                } catch SegmindError.invalidRequest(let slug, let issues) {
                    throw SegmindError.invalidRequest(slug: slug, issues: issues + servingProblems)
                }
                if !servingProblems.isEmpty { throw SegmindError.invalidRequest(slug: model.slug, issues: servingProblems) }
                let configuration = try service.configuration()
                let terminal = StandardErrorTerminal(
                    progress: ProgressMode(rawValue: progress) ?? .auto, environment: ProcessInfo.processInfo.environment)
                let board = terminal.isInteractive ? StatusBoard(terminal: terminal) : nil
                let destination = output.map { URL(fileURLWithPath: $0) }
                try await AsyncHTTPTransport.withTransport { transport in
                    try await serving.run(validated, announce: { if !json { printError($0) } }) { request in
                        try await send(
                            request, model: model, transport: transport, configuration: configuration, board: board, destination: destination)
                    }
                }
            }
        }

        /// Submits (or runs with v1), waits, downloads and reports; local inputs are already URLs here.
        private func send(
            _ request: ValidatedRequest, model: ModelSpec, transport: AsyncHTTPTransport, configuration: SegmindConfiguration, board: StatusBoard?,
            destination: URL?
        ) async throws {
            let client = SegmindClient(configuration: configuration, transport: transport)
            if sync {
                board?.update(slug, state: "RUNNING", text: "\(slug): running (v1), expected ~\(formatElapsed(model.typicalLatencySeconds))")
                let outcome = try await client.runSync(request, to: destination!)
                board?.flush()
                try report(outcome)
                return
            }
            let job = try await client.submit(request)
            if noWait {
                if json { try printJSON(job) } else { print(job.requestID) }
                return
            }
            if !json { printError("submitted \(slug): request \(job.requestID)") }
            let result = try await client.wait(for: job, model: model, deadline: deadline, interval: interval) { p in
                board?.update(
                    p.requestID, state: p.state.description,
                    text:
                        "\(slug) \(p.requestID): \(p.state) \(formatElapsed(p.elapsedSeconds)) (expected ~\(formatElapsed(p.expectedSeconds ?? 0)))"
                )
            }
            board?.update(job.requestID, state: "DOWNLOADING", text: "\(slug) \(job.requestID): downloading")
            let file: DownloadedFile
            do {
                file = try await client.download(result, to: destination!, expecting: model.returns)
            } catch {
                printError("the job is COMPLETED; retry the download with `shotchain result \(job.requestID) -o FILE` (within 1 hour)")
                throw error
            }
            board?.flush()
            try report(GenerationOutcome(job: job, result: result, file: file, accounting: result.accounting))
        }

        private func report(_ outcome: GenerationOutcome) throws {
            if json { return try printJSON(outcome) }
            print(OutcomeText.describe(outcome))
        }
    }
}

/// `--param`, `--prompt` and `--input` turned into parameters and local inputs.
struct GenerateArguments {
    var parameters: [String: JSONValue] = [:]
    var localInputs: [LocalInput] = []

    static func parse(prompt: String?, params: [String], inputs: [String], model: ModelSpec) throws -> GenerateArguments {
        var out = GenerateArguments()
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw SegmindError.configuration("--param \(p): expected KEY=VALUE")
            }
            let key = String(p[..<eq])
            let raw = String(p[p.index(after: eq)...])
            out.parameters[key] = JSONValue.parse(raw) ?? .string(raw)
        }
        if let prompt { out.parameters[model.parameter(role: .prompt)?.name ?? "prompt"] = .string(prompt) }
        for i in inputs {
            guard let eq = i.firstIndex(of: "="), eq != i.startIndex else {
                throw SegmindError.configuration("--input \(i): expected KEY=PATH_OR_URL")
            }
            let key = String(i[..<eq])
            let value = String(i[i.index(after: eq)...])
            if value.contains("://") || value.hasPrefix("data:") {
                if model.parameter(key)?.type == .urlList {
                    var list: [JSONValue] = []
                    if case .array(let a)? = out.parameters[key] { list = a }
                    out.parameters[key] = .array(list + [.string(value)])
                } else if out.parameters[key] == nil {
                    out.parameters[key] = .string(value)
                } else {
                    throw SegmindError.configuration("--input \(key): given more than once, but \(key) takes one URL")
                }
            } else {
                out.localInputs.append(LocalInput(parameter: key, path: value))
            }
        }
        return out
    }
}

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
