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
}

/// What a model returns.
public enum OutputKind: String, Sendable, Equatable, Codable {
    /// An MP4 video.
    case video
    /// A PNG or JPEG image.
    case image
}

/// The type of a parameter value.
public enum ParameterType: String, Sendable, Equatable, Codable {
    /// Text.
    case string
    /// Any number.
    case number
    /// A whole number.
    case integer
    /// `true` or `false`.
    case boolean
    /// One http(s) URL.
    case url
    /// A list of http(s) URLs.
    case urlList = "url-list"
    /// A list of `{prompt, duration}` objects (`multi_prompt`).
    case promptList = "prompt-list"
}

/// One parameter of a model.
public struct ParameterSpec: Sendable, Equatable, Codable {
    /// The JSON key.
    public var name: String
    /// The value's type.
    public var type: ParameterType
    /// True when the request must carry it.
    public var required: Bool
    /// The service's default, when it has one.
    public var `default`: JSONValue?
    /// The allowed values, when the set is closed.
    public var allowed: [JSONValue]?
    /// True when a number is accepted for a string parameter and sent as its string form (`duration`).
    public var acceptsNumber: Bool?
    /// The kind of media a URL parameter points at ("image" or "video"), for local-file limits.
    public var media: String?
    /// The largest number of items in a list.
    public var maxItems: Int?
    /// One line for `shotchain models SLUG`.
    public var description: String

    /// Creates a parameter.
    public init(
        name: String, type: ParameterType, required: Bool, default: JSONValue? = nil, allowed: [JSONValue]? = nil,
        acceptsNumber: Bool? = nil, media: String? = nil, maxItems: Int? = nil, description: String
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.default = `default`
        self.allowed = allowed
        self.acceptsNumber = acceptsNumber
        self.media = media
        self.maxItems = maxItems
        self.description = description
    }
}

/// How much a job costs.
public struct PriceRule: Sendable, Equatable, Codable {
    /// A flat price per generation in US dollars, when the price does not depend on parameters.
    public var usd: Double?
    /// Per-second rates: the price is `duration` seconds times the first matching rate.
    public var perSecond: PerSecondPrice?
    /// The lowest and highest price published for the model.
    public var rangeUSD: [Double]?
    /// Where the numbers come from and what is estimated.
    public var note: String?

    /// The estimated price of a request with these (already normalised) parameters, when it can be computed.
    public func estimate(_ parameters: [String: JSONValue], defaults: [String: JSONValue]) -> Double? {
        if let usd { return usd }
        guard let perSecond else { return nil }
        func value(_ key: String) -> JSONValue? { parameters[key] ?? defaults[key] }
        guard let d = value(perSecond.parameter), let seconds = Self.number(d) else { return nil }
        for rate in perSecond.rates {
            let matches = rate.when.allSatisfy { key, expected in
                guard let actual = value(key) else { return false }
                return Self.same(actual, expected)
            }
            if matches { return (seconds * rate.usdPerSecond * 1000).rounded() / 1000 }
        }
        return nil
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let n): return n
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        if case .string(let s) = a, case .bool(let x) = b { return s == String(x) }
        if case .string(let s) = b, case .bool(let x) = a { return s == String(x) }
        return false
    }
}

/// A per-second price table keyed by parameter values.
public struct PerSecondPrice: Sendable, Equatable, Codable {
    /// The parameter holding the duration in seconds.
    public var parameter: String
    /// Rates tried in order; the first whose `when` matches applies.
    public var rates: [Rate]

    /// One rate.
    public struct Rate: Sendable, Equatable, Codable {
        /// Parameter values this rate applies to (an empty object matches everything).
        public var when: [String: JSONValue]
        /// US dollars per second of output.
        public var usdPerSecond: Double
    }
}

/// Documented limits for inputs given as local files.
public struct InputLimits: Sendable, Equatable, Codable {
    /// Image limits.
    public var image: ImageLimits?
    /// Reference-video limits.
    public var video: VideoLimits?

    /// Limits for input images.
    public struct ImageLimits: Sendable, Equatable, Codable {
        /// Accepted formats ("png", "jpeg").
        public var formats: [String]
        /// The largest file in bytes.
        public var maxBytes: Int64
        /// The smallest width and height in pixels.
        public var minSide: Int
        /// The smallest width/height ratio (1:2.5 = 0.4).
        public var minAspect: Double
        /// The largest width/height ratio (2.5:1 = 2.5).
        public var maxAspect: Double
    }

    /// Limits for input videos.
    public struct VideoLimits: Sendable, Equatable, Codable {
        /// Accepted containers ("mp4", "mov").
        public var formats: [String]
        /// The largest file in bytes.
        public var maxBytes: Int64
        /// The shortest duration in seconds.
        public var minSeconds: Double
        /// The longest duration in seconds.
        public var maxSeconds: Double
        /// The smallest side in pixels.
        public var minSide: Int
        /// The largest side in pixels.
        public var maxSide: Int
        /// The lowest frame rate.
        public var minFPS: Double
        /// The highest frame rate.
        public var maxFPS: Double
    }
}
