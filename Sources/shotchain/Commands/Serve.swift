import ArgumentParser
import Foundation
import FrameServer
import Logging

extension Shotchain {
    /// `shotchain serve DIR`: publish the image and video files in a folder at unguessable URLs until stopped.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the images and videos in a folder at unguessable URLs, for a hosted API to fetch.",
            discussion: """
                Publishes the PNG, JPEG, WebP, MP4 and MOV files directly inside DIR (by content, not by name; \
                hidden files and symbolic links leading outside DIR are skipped) at BASE/f/<random token>/<name>, \
                prints their URLs and serves them until SIGINT or SIGTERM. A file changed or deleted after it was \
                published answers 404. Listens on 127.0.0.1 unless --host says otherwise; a request head must come \
                within 10 s, idle keep-alive lasts 30 s, at most 1024 connections. Access log on stderr, no tokens.
                """
        )

        @Argument(help: "The folder whose image and video files to serve.")
        var directory: String

        @Option(help: "The interface to listen on (anything but loopback is reachable by others).")
        var host = "127.0.0.1"

        @Option(help: "The TCP port; 0 picks a free one.")
        var port = 0

        @Option(
            name: .customLong("public-url"),
            help: "Mint URLs on this base (a tunnel or reverse proxy forwarding BASE/f/... here). Default: $SHOTCHAIN_PUBLIC_URL."
        )
        var publicURL: String?

        @Option(help: "Keep the URLs and the port in this JSON file, so a restarted serve answers the same URLs.") var state: String?

        @Flag(help: "Print the base URL and the files as JSON.")
        var json = false

        @Flag(name: .customLong("no-access-log"), help: "Do not log each request.")
        var noAccessLog = false

        func run() async throws {
            // Access-log lines are batched (flushed every 100 ms and on exit): one write per line costs a busy
            // server about a fifth of its small-file throughput.
            try await BatchedStandardError.withBatchedLogging {
                do {
                    try await serve()
                } catch let error as FrameServerError {
                    printError(error.description)
                    throw ExitCode(ExitStatus.badInput)
                }
            }
        }

        private func serve() async throws {
            let base = publicURL ?? ProcessInfo.processInfo.environment["SHOTCHAIN_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let configuration = FrameServerConfiguration(
                host: host, port: port,
                publicBaseURL: try base.map { text throws(FrameServerError) in
                    try FrameServerConfiguration.validatedPublicBaseURL(text)
                },
                stopsOnTerminationSignals: true, logsAccess: !noAccessLog, stateFile: state
            )
            let server = try await FrameServer.start(configuration, logger: Logger(label: "shotchain.serve"))
            let files: [PublishedFile]
            do {
                files = try await server.publishDirectory(directory)
            } catch {
                await server.stop()
                throw error
            }
            if json {
                // Written at once (not through print's buffer): the command keeps running while the caller reads it.
                FileHandle.standardOutput.write(try jsonEncoder().encode(ServeListing(server: server, files: files)) + Data("\n".utf8))
            } else {
                let lines = files.map { ($0.path as NSString).lastPathComponent + "\t" + $0.url.absoluteString }
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                printError("serving \(files.count) file(s) on \(server.localBaseURL.absoluteString); press Ctrl-C to stop")
            }
            try await server.waitUntilStopped()
        }
    }
}
