import Foundation

/// A problem with the model catalog: the folder or file, and what is wrong with it.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder or file.
    public var path: String
    /// What is wrong.
    public var message: String

    /// "model catalog PATH: MESSAGE".
    public var description: String { "model catalog \(path): \(message)" }
}

/// Reads `<slug>.json` model files: what both the client's `ModelCatalog` and the simulator load.
public enum CatalogFiles {
    /// Every `*.json` file in `directory`, sorted by slug.
    ///
    /// - Throws: `CatalogError` naming the folder or file when the folder cannot be listed, holds no model file,
    ///   or a file is malformed.
    public static func models(in directory: URL) throws(CatalogError) -> [ModelSpec] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CatalogError(path: directory.path, message: "cannot list the folder (\(error.localizedDescription))")
        }
        var models: [ModelSpec] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            models.append(try model(at: directory.appendingPathComponent(name)))
        }
        if models.isEmpty { throw CatalogError(path: directory.path, message: "no model files (*.json) found") }
        return models.sorted { $0.slug < $1.slug }
    }

    /// Reads one model file.
    ///
    /// - Throws: `CatalogError` naming the file: unreadable, not a model (missing key, wrong type, unknown role),
    ///   a slug that differs from the file name, a parameter listed twice, or a role given twice or to a
    ///   parameter of the wrong type.
    public static func model(at url: URL) throws(CatalogError) -> ModelSpec {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CatalogError(path: url.path, message: "cannot read (\(error.localizedDescription))")
        }
        return try model(data, at: url)
    }

    /// Model files already in memory (the presets built into the tool): `name` is the file name (`<slug>.json`;
    /// other names are skipped), `folder` the folder named in errors. Sorted by slug.
    ///
    /// - Throws: `CatalogError` as `models(in:)` does.
    public static func models(files: [(name: String, data: Data)], folder: URL) throws(CatalogError) -> [ModelSpec] {
        var models: [ModelSpec] = []
        for file in files.sorted(by: { $0.name < $1.name }) where file.name.hasSuffix(".json") {
            models.append(try model(file.data, at: folder.appendingPathComponent(file.name)))
        }
        if models.isEmpty { throw CatalogError(path: folder.path, message: "no model files (*.json) found") }
        return models.sorted { $0.slug < $1.slug }
    }

    /// Decodes and checks one model file's bytes; `url` names the file (its name must be `<slug>.json`).
    static func model(_ data: Data, at url: URL) throws(CatalogError) -> ModelSpec {
        let spec: ModelSpec
        do { spec = try JSONDecoder().decode(ModelSpec.self, from: data) } catch {
            throw CatalogError(path: url.path, message: "malformed model file (\(describe(error)))")
        }
        let expected = url.deletingPathExtension().lastPathComponent
        guard spec.slug == expected else {
            throw CatalogError(path: url.path, message: "slug '\(spec.slug)' does not match the file name '\(expected)'")
        }
        if let problem = numberProblem(spec) { throw CatalogError(path: url.path, message: problem) }
        var names = Set<String>()
        var roles: [ParameterRole: String] = [:]
        for p in spec.parameters {
            guard names.insert(p.name).inserted else { throw CatalogError(path: url.path, message: "parameter '\(p.name)' is listed twice") }
            guard let role = p.role else { continue }
            if let other = roles[role] {
                throw CatalogError(path: url.path, message: "role '\(role.rawValue)' is given to both '\(other)' and '\(p.name)'")
            }
            roles[role] = p.name
            guard role.acceptedTypes.contains(p.type) else {
                let types = role.acceptedTypes.map(\.rawValue).joined(separator: " or ")
                throw CatalogError(
                    path: url.path, message: "parameter '\(p.name)' has role '\(role.rawValue)', which needs type \(types), not \(p.type.rawValue)")
            }
        }
        return spec
    }

    /// What is wrong with the file's numbers (times, prices, limits), nil when they are all usable.
    static func numberProblem(_ spec: ModelSpec) -> String? {
        func bad(_ value: Double, _ range: ClosedRange<Double>) -> Bool { !(value.isFinite && range.contains(value)) }
        let day = 86_400.0
        if bad(spec.typicalLatencySeconds, 0...day) { return "typical_latency_seconds \(spec.typicalLatencySeconds) is not 0 to \(Int(day)) s" }
        if bad(spec.deadlineSeconds, 1...day) { return "deadline_seconds \(spec.deadlineSeconds) is not 1 to \(Int(day)) s" }
        if bad(spec.pollIntervalSeconds, 0.01...3600) { return "poll_interval_seconds \(spec.pollIntervalSeconds) is not 0.01 to 3600 s" }
        let prices = [spec.price.usd].compactMap { $0 } + (spec.price.perSecond?.rates.map(\.usdPerSecond) ?? []) + (spec.price.rangeUSD ?? [])
        if let p = prices.first(where: { bad($0, 0...1_000_000) }) { return "price \(p) is not a number of US dollars from 0 to 1000000" }
        if let image = spec.inputLimits.image {
            if image.maxBytes < 0 || image.minSide < 0 { return "input_limits.image: sizes must not be negative" }
            if bad(image.minAspect, 0.001...1000) || bad(image.maxAspect, image.minAspect...1000) {
                return "input_limits.image: min_aspect \(image.minAspect) and max_aspect \(image.maxAspect) must be positive, min <= max"
            }
        }
        if let video = spec.inputLimits.video {
            if video.maxBytes < 0 || video.minSide < 0 || video.maxSide < video.minSide { return "input_limits.video: sides or sizes out of order" }
            if bad(video.minSeconds, 0...day) || bad(video.maxSeconds, video.minSeconds...day) || bad(video.minFPS, 0...1000)
                || bad(video.maxFPS, video.minFPS...1000)
            {
                return "input_limits.video: seconds or fps must be non-negative, min <= max"
            }
        }
        return nil
    }

    /// A decoding error as one line naming the key path.
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
