import ArgumentParser
import Foundation
import MediaKit
import Presets

extension Shotchain.PresetsCommand {
    /// Writes the built-in presets out to a folder for editing.
    struct PresetsExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the built-in presets (models/, encode/, storyboards/) into a folder for editing.",
            discussion: ExitStatus.helpText)

        @Argument(help: ArgumentHelp("The folder to write into (created when missing).", valueName: "dir"))
        var directory: String

        @Flag(help: "Overwrite files that already exist.")
        var force = false

        func run() async throws {
            try await reportingErrors {
                let root = URL(fileURLWithPath: directory)
                let fm = FileManager.default
                var isFolder: ObjCBool = false
                if fm.fileExists(atPath: root.path, isDirectory: &isFolder), !isFolder.boolValue {
                    throw MediaError.invalidArgument("\(root.path): exists and is not a folder")
                }
                let existing = Presets.paths.filter { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
                if !force, !existing.isEmpty {
                    let list = existing.map { root.appendingPathComponent($0).path }.joined(separator: ", ")
                    throw MediaError.invalidArgument("\(list): already exist\(existing.count == 1 ? "s" : ""); nothing written (--force overwrites)")
                }
                for path in Presets.paths {
                    guard let data = Presets.file(path) else { continue }
                    let url = root.appendingPathComponent(path)
                    do {
                        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try data.write(to: url, options: .atomic)
                    } catch {
                        throw MediaError.outputFailed(path: url.path, detail: error.localizedDescription)
                    }
                    print(url.path)
                }
            }
        }
    }
}
