import ArgumentParser
import Foundation
import Presets
import Segmind

/// Where the model catalog comes from.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Presets folder holding models/ (default: the presets built into shotchain).", valueName: "dir"))
    var presets: String?

    /// The model folder given with `--presets DIR` (its `models/`); nil for the presets built into shotchain.
    var modelsDirectory: URL? { presets.map { URL(fileURLWithPath: $0).appendingPathComponent("models") } }

    /// Loads the catalog from `--presets DIR/models` or the presets built into shotchain.
    func catalog() throws -> ModelCatalog {
        if let modelsDirectory { return try ModelCatalog(directory: modelsDirectory) }
        let files = Presets.files(under: "models").map { (name: $0.name, data: $0.data) }
        return try ModelCatalog(files: files, directory: URL(fileURLWithPath: "built-in presets/models"))
    }
}

/// How to reach the Segmind API.
struct ServiceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "API host root (default: $SEGMIND_BASE_URL, else https://api.segmind.com); a trailing /v1 is accepted.", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API key (default: $SEGMIND_API_KEY).", valueName: "file"))
    var apiKeyFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Request-history host root (default: $SEGMIND_HISTORY_URL, else https://api.spotprod.segmind.com).", valueName: "url"))
    var historyURL: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Segmind storage host root for uploads (default: $SEGMIND_STORAGE_URL, else https://workflows-api.segmind.com).", valueName: "url"))
    var storageURL: String?

    /// The configuration from the options and the environment.
    func configuration() throws -> SegmindConfiguration {
        try SegmindConfiguration.resolve(
            baseURL: baseURL, apiKeyFile: apiKeyFile, environment: ProcessInfo.processInfo.environment, historyURL: historyURL,
            storageURL: storageURL)
    }
}

/// Prints a value as pretty JSON with sorted keys on stdout.
func printJSON<T: Encodable>(_ value: T, encoder: JSONEncoder = jsonEncoder()) throws {
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Pretty JSON with sorted keys and unescaped slashes.
func jsonEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
}
