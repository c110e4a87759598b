import Foundation
import PackagePlugin

/// Compiles every file of the target other than its Swift sources (for `Presets`: `models/*.json`, `encode/*.json`,
/// `storyboards/*.yaml`) into a generated Swift source, so the built tool carries them and they can never go stale.
@main
struct EmbedPresets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        // The target's folder: `directoryURL` needs tools version 6.1, so it is the folder holding every file of the
        // target (Presets.swift sits at its top).
        let root = commonFolder(module.sourceFiles.map(\.url))
        let inputs = module.sourceFiles.map(\.url).filter { $0.pathExtension != "swift" }.sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedPresets.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) preset files into \(module.name)",
                executable: try context.tool(named: "embed-presets").url,
                arguments: [output.path, root.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    /// The deepest folder holding every one of `files`.
    func commonFolder(_ files: [URL]) -> URL {
        let folders = files.map { $0.deletingLastPathComponent().standardizedFileURL.pathComponents }
        guard var common = folders.first else { return URL(fileURLWithPath: "/") }
        for folder in folders.dropFirst() {
            common = Array(zip(common, folder).prefix { $0 == $1 }.map(\.0))
        }
        return URL(fileURLWithPath: "/" + common.dropFirst().joined(separator: "/"))
    }
}
