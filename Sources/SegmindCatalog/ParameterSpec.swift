import Foundation

/// One parameter of a model.
public struct ParameterSpec: Sendable, Equatable, Codable {
    /// The JSON key.
    public var name: String
    /// The value's type.
    public var type: ParameterType
    /// What the parameter means (nil when no other part of shotchain needs to know).
    public var role: ParameterRole?
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
        name: String, type: ParameterType, role: ParameterRole? = nil, required: Bool, default: JSONValue? = nil, allowed: [JSONValue]? = nil,
        acceptsNumber: Bool? = nil, media: String? = nil, maxItems: Int? = nil, description: String
    ) {
        self.name = name
        self.type = type
        self.role = role
        self.required = required
        self.default = `default`
        self.allowed = allowed
        self.acceptsNumber = acceptsNumber
        self.media = media
        self.maxItems = maxItems
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case name
        case type
        case role
        case required
        case `default`
        case allowed
        case acceptsNumber = "accepts_number"
        case media
        case maxItems = "max_items"
        case description
    }
}
