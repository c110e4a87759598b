import Foundation
import Segmind

/// `--param`, `--prompt` and `--input` turned into parameters and local inputs.
struct GenerateArguments {
    var parameters: [String: JSONValue] = [:]
    var localInputs: [LocalInput] = []

    static func parse(prompt: String?, params: [String], inputs: [String], model: ModelSpec) throws -> GenerateArguments {
        var out = GenerateArguments()
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw SegmindError.configuration("--param \(p): expected KEY=VALUE")
            }
            let key = String(p[..<eq])
            let raw = String(p[p.index(after: eq)...])
            out.parameters[key] = JSONValue.parse(raw) ?? .string(raw)
        }
        if let prompt { out.parameters[model.parameter(role: .prompt)?.name ?? "prompt"] = .string(prompt) }
        for i in inputs {
            guard let eq = i.firstIndex(of: "="), eq != i.startIndex else {
                throw SegmindError.configuration("--input \(i): expected KEY=PATH_OR_URL")
            }
            let key = String(i[..<eq])
            let value = String(i[i.index(after: eq)...])
            if value.contains("://") || value.hasPrefix("data:") {
                if model.parameter(key)?.type == .urlList {
                    var list: [JSONValue] = []
                    if case .array(let a)? = out.parameters[key] { list = a }
                    out.parameters[key] = .array(list + [.string(value)])
                } else if out.parameters[key] == nil {
                    out.parameters[key] = .string(value)
                } else {
                    throw SegmindError.configuration("--input \(key): given more than once, but \(key) takes one URL")
                }
            } else {
                out.localInputs.append(LocalInput(parameter: key, path: value))
            }
        }
        return out
    }

    /// The request validated against `model`, every problem at once: the parameters', the local files', and why the
    /// service could not fetch local files from the frame server with these options.
    ///
    /// - Throws: `SegmindError.invalidRequest` listing every problem; nothing is sent.
    func validated(model: ModelSpec, serving: LocalInputServing, baseURL: String?, noWait: Bool) throws -> ValidatedRequest {
        let environment = ProcessInfo.processInfo.environment
        let serviceBase = try? SegmindConfiguration.normalise(baseURL ?? environment["SEGMIND_BASE_URL"] ?? SegmindConfiguration.defaultBaseURL)
        let uploading = serving.options.resolvedMode(serviceBaseURL: serviceBase ?? SegmindConfiguration.defaultBaseURL) == .upload
        let servingProblems = uploading ? [] : serving.problems(inputs: localInputs, serviceBaseURL: serviceBase, noWait: noWait)
        let validated: ValidatedRequest
        do {
            validated = try RequestValidator().validate(model: model, parameters: parameters, localInputs: localInputs)
        } catch SegmindError.invalidRequest(let slug, let issues) {
            throw SegmindError.invalidRequest(slug: slug, issues: issues + servingProblems)
        }
        if !servingProblems.isEmpty { throw SegmindError.invalidRequest(slug: model.slug, issues: servingProblems) }
        return validated
    }
}
