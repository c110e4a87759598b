import Foundation

/// One Segmind model as described by `presets/models/<slug>.json`.
public struct ModelSpec: Sendable, Equatable, Codable {
    /// The model's slug, as in `/v2/<slug>`.
    public var slug: String
    /// A human-readable name.
    public var title: String
    /// One line about what the model does.
    public var summary: String
    /// What a completed job returns.
    public var returns: OutputKind
    /// The parameters the model accepts, in display order.
    public var parameters: [ParameterSpec]
    /// Typical generation time in seconds (the expected time shown with progress).
    public var typicalLatencySeconds: Double
    /// How long to poll before handing back the request id (seconds).
    public var deadlineSeconds: Double
    /// The polling interval in seconds.
    public var pollIntervalSeconds: Double
    /// The price rule.
    public var price: PriceRule
    /// Documented limits for local inputs (images and reference videos).
    public var inputLimits: InputLimits
    /// Where the facts come from.
    public var source: String?

    /// The parameter named `name`.
    public func parameter(_ name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// The parameter with this role, nil when the model has none (a file gives each role to one parameter at most).
    public func parameter(role: ParameterRole) -> ParameterSpec? {
        parameters.first { $0.role == role }
    }

    /// The value of the parameter with `role` in `parameters`, else its catalog default; nil when the model has no
    /// such parameter or neither is given (a JSON null counts as not given).
    public func value(of role: ParameterRole, in parameters: [String: JSONValue]) -> JSONValue? {
        guard let spec = parameter(role: role) else { return nil }
        if let v = parameters[spec.name], v != .null { return v }
        if let d = spec.default, d != .null { return d }
        return nil
    }

    /// The catalog defaults by parameter name (parameters without a default left out).
    public var defaults: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: parameters.compactMap { p in p.default.map { (p.name, $0) } })
    }

    enum CodingKeys: String, CodingKey {
        case slug
        case title
        case summary
        case returns
        case parameters
        case typicalLatencySeconds = "typical_latency_seconds"
        case deadlineSeconds = "deadline_seconds"
        case pollIntervalSeconds = "poll_interval_seconds"
        case price
        case inputLimits = "input_limits"
        case source
    }
}

/// What a model returns.
public enum OutputKind: String, Sendable, Equatable, Codable {
    /// An MP4 video.
    case video
    /// A PNG or JPEG image.
    case image
}
