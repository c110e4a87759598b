import Foundation

/// A local file given for a URL parameter; it has to be published (frame server, upload) before submitting.
public struct LocalInput: Sendable, Equatable, Codable {
    /// The parameter, such as `start_image_url` or `image_urls`.
    public var parameter: String
    /// The file's path.
    public var path: String

    /// Creates a local input.
    public init(parameter: String, path: String) {
        self.parameter = parameter
        self.path = path
    }
}

/// A request that passed validation: the body to send, with defaults left to the service.
public struct ValidatedRequest: Sendable, Equatable {
    /// The model.
    public let model: ModelSpec
    /// The JSON body: every value normalised (`duration` as a string, URLs checked).
    public let body: [String: JSONValue]
    /// Local files still to be published as URLs, in the order given.
    public let localInputs: [LocalInput]
    /// The estimated price in US dollars, when the catalog's rule can compute it.
    public let estimatedUSD: Double?
}

/// Checks a request against the catalog before any money is spent, reporting every problem at once.
public struct RequestValidator: Sendable {
    /// The inspector used to check local input files against the model's limits.
    public let inspector: any MediaInspector

    /// Creates a validator.
    public init(inspector: any MediaInspector = HeaderMediaInspector()) {
        self.inspector = inspector
    }

    /// Validates `parameters` (and local files given for URL parameters) for `model`.
    ///
    /// - Returns: the normalised request.
    /// - Throws: `SegmindError.invalidRequest` listing every problem found, each naming its parameter.
    public func validate(
        model: ModelSpec, parameters: [String: JSONValue], localInputs: [LocalInput] = []
    ) throws -> ValidatedRequest {
        var issues: [ValidationIssue] = []
        var body: [String: JSONValue] = [:]
        let allowedNames = model.parameters.map(\.name).joined(separator: ", ")

        for name in parameters.keys.sorted() where model.parameter(name) == nil {
            issues.append(.init(parameter: name, message: "unknown parameter for \(model.slug); allowed: \(allowedNames)"))
        }
        for input in localInputs where model.parameter(input.parameter) == nil {
            issues.append(.init(parameter: input.parameter, message: "unknown parameter for \(model.slug); allowed: \(allowedNames)"))
        }

        for spec in model.parameters {
            let files = localInputs.filter { $0.parameter == spec.name }
            if !files.isEmpty && spec.type != .url && spec.type != .urlList {
                issues.append(.init(parameter: spec.name, message: "takes a \(spec.type.rawValue), not a file"))
                continue
            }
            if spec.type == .url && files.count + (parameters[spec.name] == nil ? 0 : 1) > 1 {
                issues.append(
                    .init(parameter: spec.name, message: "takes one URL, but \(files.count + (parameters[spec.name] == nil ? 0 : 1)) were given"))
                continue
            }
            for file in files { issues += checkFile(file, spec: spec, limits: model.inputLimits) }
            guard let value = parameters[spec.name] else {
                if spec.required && files.isEmpty {
                    if let d = spec.default, d != .null {
                        body[spec.name] = d
                    } else {
                        issues.append(.init(parameter: spec.name, message: "required \(describe(spec)) is missing"))
                    }
                }
                if spec.type == .urlList, let max = spec.maxItems, files.count > max {
                    issues.append(.init(parameter: spec.name, message: "at most \(max) items allowed, \(files.count) given"))
                }
                continue
            }
            if value == .null {
                if spec.required { issues.append(.init(parameter: spec.name, message: "required \(describe(spec)) is null")) }
                continue
            }
            switch normalise(value, spec: spec, extraItems: files.count) {
            case .success(let v): body[spec.name] = v
            case .failure(let list): issues += list
            }
        }

        // A prompt list's shot durations must add up to the duration.
        if let list = model.parameter(role: .promptList), case .array(let shots)? = body[list.name], let duration = model.parameter(role: .duration) {
            let total = shots.compactMap { $0["duration"].flatMap(PriceRule.number) }.reduce(0, +)
            let durationValue = body[duration.name] ?? duration.default
            if let d = durationValue.flatMap(PriceRule.number), shots.count > 0, abs(total - d) > 1e-9 {
                issues.append(
                    .init(
                        parameter: list.name,
                        message:
                            "shot durations add up to \(JSONValue.formatNumber(total)) s but \(duration.name) is \(JSONValue.formatNumber(d)) s; they must be equal"
                    ))
            }
        }

        if !issues.isEmpty { throw SegmindError.invalidRequest(slug: model.slug, issues: issues) }
        return ValidatedRequest(
            model: model, body: body, localInputs: localInputs, estimatedUSD: model.price.estimate(body, defaults: model.defaults))
    }

    private func describe(_ spec: ParameterSpec) -> String {
        var text = "\(spec.type.rawValue) parameter"
        if let allowed = spec.allowed { text += " (allowed: \(allowed.map(Self.show).joined(separator: ", ")))" }
        return text
    }

    static func show(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return v.jsonText
    }

    private func normalise(_ value: JSONValue, spec: ParameterSpec, extraItems: Int) -> Result<JSONValue, IssueList> {
        let name = spec.name
        func fail(_ message: String, _ parameter: String? = nil) -> Result<JSONValue, IssueList> {
            .failure(IssueList([ValidationIssue(parameter: parameter ?? name, message: message)]))
        }
        func checkAllowed(_ v: JSONValue) -> Result<JSONValue, IssueList> {
            if let allowed = spec.allowed, !allowed.contains(v) {
                return fail("\(Self.show(v)) is not allowed; allowed: \(allowed.map(Self.show).joined(separator: ", "))")
            }
            return .success(v)
        }
        switch spec.type {
        case .string:
            switch value {
            case .string: return checkAllowed(value)
            case .number(let n) where spec.acceptsNumber == true:
                return checkAllowed(.string(JSONValue.formatNumber(n)))
            default:
                return fail("expected a string\(spec.acceptsNumber == true ? " or a number" : ""), got \(value.typeName) \(value.jsonText)")
            }
        case .number:
            guard case .number = value else { return fail("expected a number, got \(value.typeName) \(value.jsonText)") }
            return checkAllowed(value)
        case .integer:
            guard case .number(let n) = value, n.rounded() == n else {
                return fail("expected a whole number, got \(value.typeName) \(value.jsonText)")
            }
            return checkAllowed(value)
        case .boolean:
            guard case .bool = value else { return fail("expected true or false, got \(value.typeName) \(value.jsonText)") }
            return .success(value)
        case .url:
            guard case .string(let s) = value else { return fail("expected a URL string, got \(value.typeName) \(value.jsonText)") }
            if let problem = URLCheck.problem(s) { return fail(problem) }
            return .success(value)
        case .urlList:
            let items: [JSONValue]
            switch value {
            case .array(let a): items = a
            case .string: items = [value]
            default: return fail("expected a list of URLs, got \(value.typeName) \(value.jsonText)")
            }
            var issues: [ValidationIssue] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    issues.append(.init(parameter: "\(name)[\(i)]", message: "expected a URL string, got \(item.typeName)"))
                    continue
                }
                if let problem = URLCheck.problem(s) { issues.append(.init(parameter: "\(name)[\(i)]", message: problem)) }
            }
            if items.isEmpty && extraItems == 0 { issues.append(.init(parameter: name, message: "needs at least one URL")) }
            if let max = spec.maxItems, items.count + extraItems > max {
                issues.append(.init(parameter: name, message: "at most \(max) items allowed, \(items.count + extraItems) given"))
            }
            return issues.isEmpty ? .success(.array(items)) : .failure(IssueList(issues))
        case .promptList:
            guard case .array(let shots) = value else {
                return fail("expected a list of {\"prompt\": TEXT, \"duration\": SECONDS}, got \(value.typeName)")
            }
            var issues: [ValidationIssue] = []
            var out: [JSONValue] = []
            if shots.isEmpty { issues.append(.init(parameter: name, message: "needs at least one shot")) }
            for (i, shot) in shots.enumerated() {
                let p = "\(name)[\(i)]"
                guard case .object(let o) = shot else {
                    issues.append(.init(parameter: p, message: "expected {\"prompt\": TEXT, \"duration\": SECONDS}, got \(shot.typeName)"))
                    continue
                }
                for key in o.keys.sorted() where key != "prompt" && key != "duration" {
                    issues.append(.init(parameter: "\(p).\(key)", message: "unknown key; allowed: prompt, duration"))
                }
                var normalised = o
                if case .string(let text)? = o["prompt"], !text.isEmpty {
                } else {
                    issues.append(.init(parameter: "\(p).prompt", message: "a non-empty prompt string is required"))
                }
                switch o["duration"] {
                case .number(let n)? where n > 0: normalised["duration"] = .string(JSONValue.formatNumber(n))
                case .string(let s)? where (Double(s) ?? 0) > 0: break
                default: issues.append(.init(parameter: "\(p).duration", message: "a positive number of seconds is required"))
                }
                out.append(.object(normalised))
            }
            return issues.isEmpty ? .success(.array(out)) : .failure(IssueList(issues))
        }
    }

    private func checkFile(_ input: LocalInput, spec: ParameterSpec, limits: InputLimits) -> [ValidationIssue] {
        let p = input.parameter
        let facts: MediaFacts
        do { facts = try inspector.inspect(path: input.path) } catch let error as SegmindError {
            return [.init(parameter: p, message: error.description)]
        } catch {
            return [.init(parameter: p, message: "\(input.path): \(error)")]
        }
        var issues: [ValidationIssue] = []
        func add(_ m: String) { issues.append(.init(parameter: p, message: "\(input.path): \(m)")) }
        let wanted = spec.media ?? "image"
        if wanted == "image" {
            guard let l = limits.image else { return [] }
            guard facts.kind == .image else { add("expected an image (\(l.formats.joined(separator: "/"))), got \(facts.format)"); return issues }
            if !l.formats.contains(facts.format) { add("\(facts.format) is not accepted; allowed: \(l.formats.joined(separator: ", "))") }
            if facts.byteCount > l.maxBytes { add("\(facts.byteCount) bytes is above the limit of \(l.maxBytes) bytes") }
            if min(facts.width, facts.height) < l.minSide {
                add("\(facts.width)x\(facts.height) is below the minimum of \(l.minSide) px per side")
            }
            let aspect = Double(facts.width) / Double(max(facts.height, 1))
            if aspect < l.minAspect - 1e-9 || aspect > l.maxAspect + 1e-9 {
                add("aspect \(facts.width)x\(facts.height) (\(String(format: "%.3f", aspect))) is outside 1:2.5 .. 2.5:1")
            }
        } else {
            guard let l = limits.video else { return [] }
            guard facts.kind == .video else { add("expected a video (\(l.formats.joined(separator: "/"))), got \(facts.format)"); return issues }
            if !l.formats.contains(facts.format) { add("\(facts.format) is not accepted; allowed: \(l.formats.joined(separator: ", "))") }
            if facts.byteCount > l.maxBytes { add("\(facts.byteCount) bytes is above the limit of \(l.maxBytes) bytes") }
            if let d = facts.durationSeconds, d < l.minSeconds - 1e-3 || d > l.maxSeconds + 0.1 {
                add(
                    "duration \(String(format: "%.2f", d)) s is outside \(JSONValue.formatNumber(l.minSeconds))..\(JSONValue.formatNumber(l.maxSeconds)) s"
                )
            }
            let side = min(facts.width, facts.height)
            let long = max(facts.width, facts.height)
            if side < l.minSide || long > l.maxSide {
                add("\(facts.width)x\(facts.height) is outside \(l.minSide)..\(l.maxSide) px")
            }
            if let fps = facts.framesPerSecond, fps < l.minFPS - 0.01 || fps > l.maxFPS + 0.01 {
                add("\(String(format: "%.2f", fps)) fps is outside \(JSONValue.formatNumber(l.minFPS))..\(JSONValue.formatNumber(l.maxFPS)) fps")
            }
        }
        return issues
    }
}

/// A list of issues usable as a `Result` failure.
struct IssueList: Error {
    var issues: [ValidationIssue]
    init(_ issues: [ValidationIssue]) { self.issues = issues }
}

extension Array where Element == ValidationIssue {
    static func += (lhs: inout [ValidationIssue], rhs: IssueList) { lhs.append(contentsOf: rhs.issues) }
}

/// Checks that a string is a usable input URL.
enum URLCheck {
    /// nil when `s` is an absolute http(s) URL with a host, or a `data:` URI; else what is wrong.
    static func problem(_ s: String) -> String? {
        if s.hasPrefix("data:") {
            return s.contains(",") ? nil : "malformed data: URI '\(s.prefix(40))'"
        }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased() else {
            if !s.contains("://") {
                return "'\(s)' is not a URL (a local file must be published first; expected http:// or https://)"
            }
            return "'\(s)' is not a valid URL"
        }
        guard scheme == "http" || scheme == "https" else {
            return "'\(s)' has scheme \(scheme); expected http:// or https://"
        }
        guard let host = url.host, !host.isEmpty else { return "'\(s)' has no host" }
        if s.contains(" ") { return "'\(s)' contains a space" }
        return nil
    }
}
