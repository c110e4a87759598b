import ArgumentParser

/// The `shotchain` command: chains short AI-generated video shots into longer, verified videos.
@main
struct Shotchain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shotchain",
        abstract: "Chain short AI-generated video shots into longer, verified videos.",
        discussion: ExitStatus.helpText,
        version: "0.1.0",
        subcommands: [
            Chain.self, Probe.self, Frame.self, Concat.self, Trim.self, Verify.self,
            Models.self, Generate.self, Status.self, ResultCommand.self, History.self, Serve.self, Simulate.self, PresetsCommand.self,
        ]
    )
}
