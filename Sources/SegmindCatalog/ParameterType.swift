import Foundation

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
