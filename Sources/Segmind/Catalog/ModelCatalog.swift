import Foundation

/// The set of models read from a folder of `<slug>.json` files. Adding a model is adding a file.
public struct ModelCatalog: Sendable {
    /// The models, sorted by slug.
    public let models: [ModelSpec]
    /// The folder they were read from.
    public let directory: URL

    /// Reads every `*.json` file in `directory`.
    ///
    /// - Throws: `SegmindError.catalog` naming the file and the problem when the folder is missing
    ///   or a file is malformed (including a slug that differs from the file name).
    public init(directory: URL) throws {
        self.directory = directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw SegmindError.catalog(path: directory.path, message: "cannot list the folder (\(error.localizedDescription))")
        }
        var models: [ModelSpec] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = directory.appendingPathComponent(name)
            models.append(try Self.load(url))
        }
        if models.isEmpty {
            throw SegmindError.catalog(path: directory.path, message: "no model files (*.json) found")
        }
        self.models = models.sorted { $0.slug < $1.slug }
    }

    /// Reads model files already in memory, such as the presets built into the tool: `name` is the file name
    /// (`<slug>.json`; other names are skipped) and `directory` the folder named in errors and kept as `directory`.
    ///
    /// - Throws: `SegmindError.catalog` naming the file and the problem, as `init(directory:)` does.
    public init(files: [(name: String, data: Data)], directory: URL) throws {
        self.directory = directory
        let models = try files.filter { $0.name.hasSuffix(".json") }.map { file in
            try Self.decode(file.data, path: directory.appendingPathComponent(file.name).path)
        }
        if models.isEmpty {
            throw SegmindError.catalog(path: directory.path, message: "no model files (*.json) found")
        }
        self.models = models.sorted { $0.slug < $1.slug }
    }

    /// Creates a catalog from models already in memory (tests, generated catalogs).
    public init(models: [ModelSpec], directory: URL = URL(fileURLWithPath: "/")) {
        self.models = models.sorted { $0.slug < $1.slug }
        self.directory = directory
    }

    /// Reads one model file.
    public static func load(_ url: URL) throws -> ModelSpec {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SegmindError.catalog(path: url.path, message: "cannot read (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// Decodes one model file's contents; `path` names the file in errors and its name must be `<slug>.json`.
    static func decode(_ data: Data, path: String) throws -> ModelSpec {
        let spec: ModelSpec
        do { spec = try JSONDecoder().decode(ModelSpec.self, from: data) } catch {
            throw SegmindError.catalog(path: path, message: "malformed model file (\(describe(error)))")
        }
        let expected = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        guard spec.slug == expected else {
            throw SegmindError.catalog(path: path, message: "slug '\(spec.slug)' does not match the file name '\(expected)'")
        }
        var seen = Set<String>()
        for p in spec.parameters where !seen.insert(p.name).inserted {
            throw SegmindError.catalog(path: path, message: "parameter '\(p.name)' is listed twice")
        }
        return spec
    }

    /// The model with this slug.
    ///
    /// - Throws: `SegmindError.unknownModel` listing the known slugs.
    public func model(_ slug: String) throws -> ModelSpec {
        guard let m = models.first(where: { $0.slug == slug }) else {
            throw SegmindError.unknownModel(slug: slug, known: models.map(\.slug))
        }
        return m
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let ctx)?:
            return "missing key '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let ctx)?, .valueNotFound(_, let ctx)?, .dataCorrupted(let ctx)?:
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at '\(path)': ") + ctx.debugDescription
        default:
            return String(describing: error)
        }
    }
}
