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
                let validated = try parsed.validated(model: model, serving: serving, baseURL: service.baseURL, noWait: noWait)
                try await GenerateSession(command: self, model: model).run(validated, serving: serving, configuration: try service.configuration())
            }
        }
    }
}
