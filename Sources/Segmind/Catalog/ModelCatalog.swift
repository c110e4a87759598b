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
    ///   or a file is malformed (including a slug that differs from the file name, or an unknown role).
    public init(directory: URL) throws {
        self.directory = directory
        do { self.models = try CatalogFiles.models(in: directory) } catch { throw SegmindError.catalog(path: error.path, message: error.message) }
    }

    /// Reads model files already in memory, such as the presets built into the tool: `name` is the file name
    /// (`<slug>.json`; other names are skipped) and `directory` the folder named in errors and kept as `directory`.
    ///
    /// - Throws: `SegmindError.catalog` naming the file and the problem, as `init(directory:)` does.
    public init(files: [(name: String, data: Data)], directory: URL) throws {
        self.directory = directory
        do { self.models = try CatalogFiles.models(files: files, folder: directory) } catch {
            throw SegmindError.catalog(path: error.path, message: error.message)
        }
    }

    /// Creates a catalog from models already in memory (tests, generated catalogs).
    public init(models: [ModelSpec], directory: URL = URL(fileURLWithPath: "/")) {
        self.models = models.sorted { $0.slug < $1.slug }
        self.directory = directory
    }

    /// Reads one model file.
    ///
    /// - Throws: `SegmindError.catalog` naming the file and the problem.
    public static func load(_ url: URL) throws -> ModelSpec {
        do { return try CatalogFiles.model(at: url) } catch { throw SegmindError.catalog(path: error.path, message: error.message) }
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
}
