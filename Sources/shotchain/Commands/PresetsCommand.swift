import ArgumentParser

extension Shotchain {
    /// Works with the presets built into shotchain (model catalog, encode presets, storyboards).
    struct PresetsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "presets",
            abstract: "Work with the presets built into shotchain (model catalog, encode presets, storyboards).",
            discussion: "Edited copies are used with --presets DIR (models) or by path (--preset FILE.json, storyboards).",
            subcommands: [PresetsExport.self])
    }
}
