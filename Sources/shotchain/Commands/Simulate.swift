import ArgumentParser
import Foundation
import SegmindSimulator

extension Shotchain {
    /// Runs the offline Segmind simulator until SIGINT or SIGTERM.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve an offline stand-in for the Segmind API (v1 and v2) that renders real media.",
            discussion: """
                Prints its base URL (the host root) on standard output, then serves until SIGINT or SIGTERM \
                (exit 0). Faults are KEY=PROBABILITY pairs, keys 500, 502, 504, 429, drop, fail, truncate, \
                for example 500=0.05,429=0.05,fail=0.05. A prompt containing [fail] always ends FAILED. \
                It serves the models of the catalog (--presets DIR reads DIR/models/*.json). --drift, --hold and \
                --video-fault put colour drift, held first frames and frozen, black or cut spans into the videos.
                """
        )

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free port).")
        var port = 0
        @Option(help: "Seconds from submit to a terminal state (QUEUED for the first third, then PROCESSING).")
        var latency: Double = 0
        @Option(help: "Injected faults, e.g. 500=0.05,502=0.05,504=0.02,429=0.05,drop=0.02,fail=0.05,truncate=0.02.")
        var faults = ""
        @Option(help: "Seed for every random decision (same seed, same faults).")
        var seed: UInt64 = 1
        @Option(help: "Starting credit balance in dollars.")
        var credits: Double = 1000
        @Option(help: "Seconds a request record lives after submission.")
        var ttl: Double = 3600
        @Option(help: "Factor applied to rendered widths and heights (e.g. 0.25 for fast small renders).")
        var scale: Double = 1.0
        @Option(help: "Accept only this x-api-key (default: any non-empty key).")
        var apiKey: String?
        @OptionGroup var catalogOptions: CatalogOptions
        @OptionGroup(title: "Defects put into rendered videos") var defectOptions: SimulatorDefectOptions

        func run() async throws {
            do {
                let spec = try FaultSpec(parsing: faults)
                var configuration = SimulatorConfiguration(
                    host: host, port: port, latency: latency, faults: spec, seed: seed, credits: credits, ttl: ttl, scale: scale,
                    apiKey: apiKey, modelsDirectory: catalogOptions.modelsDirectory)
                configuration.defects = try defectOptions.defects()
                let simulator = try await SegmindSimulator.start(configuration, stopOnSignals: true)
                FileHandle.standardOutput.write(Data((simulator.baseURL + "\n").utf8))
                await simulator.waitUntilStopped()
            } catch let error as SimulatorError {
                printError(error.description)
                throw ExitCode(ExitStatus.badInput)
            }
        }
    }
}
