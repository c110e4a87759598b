import ArgumentParser
import Foundation
import FrameServer
import Logging
import Segmind
import Storyboard

/// How `generate` serves local input files: the in-process frame server's address and the base its URLs are minted on.
struct LocalInputOptions: ParsableArguments {
    /// How local files become URLs the service can fetch.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        /// `serve` when the API is on this machine or a public URL is given, else `upload`.
        case auto
        /// Upload to Segmind storage (needs no tunnel or public host).
        case upload
        /// Serve from this machine's frame server.
        case serve
    }

    @Option(
        name: .customLong("inputs"),
        help: ArgumentHelp(
            "How local files reach the service: upload (Segmind storage), serve (this machine's frame server), or auto (serve when the API is on this machine or --public-url is given, else upload).",
            valueName: "mode"))
    var mode: Mode = .auto

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "Mint local inputs' URLs on this base (a tunnel or reverse proxy forwarding BASE/f/... to --serve-host:--serve-port). Default: $SHOTCHAIN_PUBLIC_URL.",
            valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("serve-host"), help: ArgumentHelp("Interface the frame server listens on for local inputs.", valueName: "host"))
    var serveHost = "127.0.0.1"

    @Option(name: .customLong("serve-port"), help: ArgumentHelp("TCP port for local inputs; 0 picks a free one.", valueName: "port"))
    var servePort = 0

    /// The frame server's configuration: `--serve-host`, `--serve-port` and the public base, access log off.
    ///
    /// - Throws: `SegmindError.configuration` when the public base is not an absolute http(s) URL.
    func configuration(stateFile: String? = nil) throws -> FrameServerConfiguration {
        do {
            let base = try publicBase.map { text throws(FrameServerError) in try FrameServerConfiguration.validatedPublicBaseURL(text) }
            return FrameServerConfiguration(host: serveHost, port: servePort, publicBaseURL: base, logsAccess: false, stateFile: stateFile)
        } catch {
            throw SegmindError.configuration("frame server for local inputs: \(String(describing: error))")
        }
    }

    /// The mode to use against the API at `serviceBaseURL`.
    func resolvedMode(serviceBaseURL: String) -> Mode {
        guard mode == .auto else { return mode }
        return SegmindConfiguration.isLoopback(serviceBaseURL) || publicBase != nil ? .serve : .upload
    }

    /// `--public-url`, else a non-empty `SHOTCHAIN_PUBLIC_URL`.
    var publicBase: String? {
        publicURL ?? ProcessInfo.processInfo.environment["SHOTCHAIN_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Serves `generate`'s local input files through an in-process `FrameServer` for as long as the job needs them.
///
/// The glue lives here, in the executable, because `Segmind` may not import `FrameServer` (nor the reverse): `Segmind`
/// defines the `LocalInputPublisher` hook and the publish/run/unpublish sequence, `FrameServer` serves files, and this
/// type only connects the two and decides whether the service could reach the URLs at all.
struct LocalInputServing {
    var options: LocalInputOptions

    /// Why local inputs cannot be used with these options, one issue per problem; empty when they can.
    /// - Parameters:
    ///   - inputs: the local inputs (nothing is checked when there are none).
    ///   - serviceBaseURL: the API host root the request goes to (nil when it is unusable; that is reported elsewhere).
    ///   - noWait: whether the command returns right after the submit.
    func problems(inputs: [LocalInput], serviceBaseURL: String?, noWait: Bool) -> [ValidationIssue] {
        guard let first = inputs.first else { return [] }
        var issues: [ValidationIssue] = []
        let named = "local input \(first.parameter)=\(first.path)"
        if noWait {
            issues.append(
                .init(
                    parameter: "--no-wait",
                    message:
                        "cannot be used with a \(named): local files are served by this command only while it runs, and the service fetches them while the job is queued or processing; drop --no-wait, or serve the files yourself (`shotchain serve DIR --public-url BASE`) and pass their URLs"
                ))
        }
        if let base = options.publicBase {
            do { _ = try FrameServerConfiguration.validatedPublicBaseURL(base) } catch {
                issues.append(
                    .init(parameter: "--public-url", message: "'\(base)' is not an absolute http:// or https:// URL without query or fragment"))
            }
        } else if let serviceBaseURL, !Self.isLoopback(serviceBaseURL) {
            issues.append(
                .init(
                    parameter: "--base-url",
                    message:
                        "\(serviceBaseURL) cannot fetch a \(named) from this machine's loopback frame server; give --public-url BASE (or SHOTCHAIN_PUBLIC_URL) for a tunnel or reverse proxy forwarding BASE/f/... to --serve-host/--serve-port, or a public host (--serve-host 0.0.0.0 --serve-port N --public-url http://HOST:N), or upload the file and pass its http(s) URL (see `shotchain serve --help`)"
                ))
        }
        return issues
    }

    /// Runs `body` with `request`; when it has local inputs, they are first published through a frame server that
    /// stays up until `body` returns or throws, and `body` gets the request with their URLs.
    /// - Parameter announce: called with a line describing what is served, before `body` runs.
    func run<Result: Sendable>(
        _ request: ValidatedRequest, announce: (String) -> Void, _ body: (ValidatedRequest) async throws -> Result
    ) async throws -> Result {
        guard !request.localInputs.isEmpty else { return try await body(request) }
        var logger = Logger(label: "shotchain.generate.frameserver") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let configuration = try options.configuration()
        let server: FrameServer
        do { server = try await FrameServer.start(configuration, logger: logger) } catch {
            throw SegmindError.configuration("frame server for local inputs: \(String(describing: error))")
        }
        do {
            announce(
                "serving \(request.localInputs.count) local input(s) at \(server.baseURL.absoluteString)/f/... (listening on \(server.localBaseURL.absoluteString)) until the job ends"
            )
            let result = try await FrameServerPublisher(server: server).withPublishedInputs(of: request, body)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Whether an API base URL names this machine (`localhost`, `127.x.x.x`, `::1`).
    static func isLoopback(_ baseURL: String) -> Bool { SegmindConfiguration.isLoopback(baseURL) }
}
