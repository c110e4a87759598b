import Foundation

/// What a model's output should be, derived from a request's parameters through the catalog's roles.
public struct OutputExpectations: Sendable, Equatable {
    /// The output's length in seconds: nil when the model has no duration role (images) or it is unknown.
    public var durationSeconds: Double?
    /// The output's frame shape ("16:9" etc.): nil for "auto" or when the model has no aspect role.
    public var aspectRatio: String?
    /// Whether the output has an audio track: the audio role's value when the model has one, false for a video
    /// model without one, nil for images.
    public var audio: Bool?
    /// What the model returns.
    public var returns: OutputKind
}

extension ModelSpec {
    /// What the output of a request with `parameters` should be; the catalog's defaults apply where a parameter
    /// is absent (or null). Values that cannot be understood (a duration "five") leave that property nil.
    public func expectations(for parameters: [String: JSONValue]) -> OutputExpectations {
        var aspect: String?
        if let text = value(of: .aspectRatio, in: parameters)?.stringValue, text.lowercased() != "auto", Self.isRatio(text) {
            aspect = text
        }
        guard returns == .video else { return OutputExpectations(durationSeconds: nil, aspectRatio: aspect, audio: nil, returns: returns) }
        var seconds: Double?
        if let d = value(of: .duration, in: parameters).flatMap(PriceRule.number), d > 0, d.isFinite { seconds = d }
        var audio: Bool? = false
        if parameter(role: .audio) != nil {
            switch value(of: .audio, in: parameters) {
            case .bool(let b)?: audio = b
            case .string(let s)? where ["true", "false"].contains(s.lowercased()): audio = s.lowercased() == "true"
            case nil: audio = false
            default: audio = nil
            }
        }
        return OutputExpectations(durationSeconds: seconds, aspectRatio: aspect, audio: audio, returns: returns)
    }

    /// Whether `text` is "W:H" with two positive numbers.
    private static func isRatio(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]) else { return false }
        return w > 0 && h > 0 && w.isFinite && h.isFinite
    }
}
