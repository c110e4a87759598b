import Foundation
import Presets
import SegmindCatalog

/// One model the simulator serves, read from a catalog file (`presets/models/<slug>.json`).
///
/// It shares the catalog's types with the client but checks requests with its own code, by type and role, so a
/// bug in the client's validator is not masked by the same bug here.
struct SimulatedModel: Sendable {
    /// The catalog entry.
    var spec: ModelSpec

    var slug: String { spec.slug }
    var output: OutputKind { spec.returns }

    /// The models in a catalog folder, by slug.
    static func load(from directory: URL?) throws(SimulatorError) -> [String: SimulatedModel] {
        do throws(CatalogError) {
            let specs: [ModelSpec]
            if let directory {
                specs = try CatalogFiles.models(in: directory)
            } else {
                let files = Presets.files(under: "models").map { (name: $0.name, data: $0.data) }
                specs = try CatalogFiles.models(files: files, folder: URL(fileURLWithPath: "built-in presets/models"))
            }
            return Dictionary(uniqueKeysWithValues: specs.map { ($0.slug, SimulatedModel(spec: $0)) })
        } catch {
            throw .invalidConfiguration(error.description)
        }
    }

    /// Checks a request body, returning the validated request or the 400 message.
    func validate(_ body: JSONValue) -> Result<GenerationRequest, ValidationFailure> {
        guard case .object(let fields) = body else {
            return .failure(ValidationFailure(message: "Request body must be a JSON object"))
        }
        let known = Set(spec.parameters.map(\.name))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(ValidationFailure(message: "Unknown parameter '\(unknown)' for model \(slug)"))
        }
        var values: [String: JSONValue] = [:]
        for parameter in spec.parameters {
            let value = fields[parameter.name] ?? .null
            if value == .null {
                if parameter.required { return .failure(ValidationFailure(message: "Missing required parameter '\(parameter.name)'")) }
                continue
            }
            if let problem = Self.check(value, against: parameter) {
                return .failure(ValidationFailure(message: "Parameter '\(parameter.name)' \(problem)"))
            }
            values[parameter.name] = value
        }
        return .success(GenerationRequest(model: self, values: values))
    }

    /// Nil when `value` fits `parameter`, otherwise what is wrong ("must be ...").
    private static func check(_ value: JSONValue, against parameter: ParameterSpec) -> String? {
        if parameter.role == .duration { return checkSeconds(value, allowed: parameter.allowed) }
        switch parameter.type {
        case .string:
            if let allowed = parameter.allowed {
                guard let s = value.stringValue, allowed.contains(.string(s)) else {
                    return "must be one of \(allowed.map { "\"\($0.stringValue ?? $0.jsonText)\"" }.joined(separator: ", "))"
                }
                return nil
            }
            guard let s = value.stringValue else { return "must be a string" }
            let empty = s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            return parameter.role == .prompt && empty ? "must not be empty" : nil
        case .number, .integer:
            guard let n = value.numberValue, parameter.type == .number || n == n.rounded() else {
                return parameter.type == .number ? "must be a number" : "must be a whole number"
            }
            if let allowed = parameter.allowed, !allowed.contains(value) {
                return "must be one of \(allowed.map(\.jsonText).joined(separator: ", "))"
            }
            return nil
        case .boolean:
            return value.boolValue == nil ? "must be a boolean" : nil
        case .url:
            guard let s = value.stringValue else { return "must be a string (a URL)" }
            return isHTTPURL(s) ? nil : "must be an http or https URL, got '\(s.prefix(80))'"
        case .urlList:
            guard let items = value.arrayValue else { return "must be an array of URLs" }
            guard !items.isEmpty else { return "must not be empty" }
            if let max = parameter.maxItems, items.count > max { return "must hold at most \(max) URLs" }
            for item in items {
                guard let s = item.stringValue, isHTTPURL(s) else { return "must hold only http or https URLs" }
            }
            return nil
        case .promptList:
            guard let items = value.arrayValue, !items.isEmpty else { return "must be a non-empty array of {prompt, duration}" }
            for item in items {
                guard case .object(let shot) = item, let p = shot["prompt"]?.stringValue, !p.isEmpty,
                    Set(shot.keys).isSubset(of: ["prompt", "duration"]),
                    shot["duration"].map({ seconds($0) != nil }) ?? true
                else { return "must hold objects {\"prompt\": string, \"duration\": seconds}" }
            }
            return nil
        }
    }

    /// Nil when `value` is a whole number of seconds (a JSON number or a numeric string) from `allowed`.
    private static func checkSeconds(_ value: JSONValue, allowed: [JSONValue]?) -> String? {
        let choices = (allowed ?? []).compactMap(seconds)
        guard let n = seconds(value), n > 0, choices.isEmpty || choices.contains(n) else {
            guard let first = choices.first, let last = choices.last else { return "must be a positive whole number of seconds" }
            let range = choices.count > 3 ? "\(first) to \(last)" : choices.map(String.init).joined(separator: ", ")
            return "must be one of \(range) (seconds)"
        }
        return nil
    }

    /// A whole number of seconds from a JSON number or numeric string.
    static func seconds(_ value: JSONValue) -> Int? {
        switch value {
        case .number(let n) where n == n.rounded() && n >= 0 && n < 1000: return Int(n)
        case .string(let s): return Int(s).flatMap { (0..<1000).contains($0) ? $0 : nil }
        default: return nil
        }
    }

    static func isHTTPURL(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "http" || scheme == "https"
    }
}

/// Why a request body was rejected (HTTP 400).
struct ValidationFailure: Error, Sendable {
    var message: String
}
