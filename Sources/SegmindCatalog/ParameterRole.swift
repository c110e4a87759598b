import Foundation

/// What a parameter means, independently of its name: how the client, the storyboard, the output checks and the
/// simulator find "the start image" or "the duration" of any model. Spelt in snake case in `presets/models/*.json`.
public enum ParameterRole: String, Sendable, Equatable, Codable, CaseIterable {
    /// The text prompt.
    case prompt
    /// The image the output starts from (a video's first frame).
    case startImage = "start_image"
    /// The image a video ends on.
    case endImage = "end_image"
    /// Reference images the prompt refers to (`@Image1`, ...).
    case referenceImages = "reference_images"
    /// A reference video the prompt refers to (`@Video1`).
    case referenceVideo = "reference_video"
    /// The output's length in seconds.
    case duration
    /// The output's frame shape ("16:9", "9:16", "1:1"; "auto" follows the input).
    case aspectRatio = "aspect_ratio"
    /// Whether the output has an audio track (true: it has one).
    case audio
    /// Several prompted shots with their own durations, adding up to the duration.
    case promptList = "prompt_list"
    /// Elements the prompt refers to (`@Element1`).
    case elements
    /// The image format of an image output ("png", "jpg").
    case outputFormat = "output_format"
    /// The output resolution tier ("1K").
    case resolution
    /// The quality tier ("std" 720p, "pro" 1080p).
    case mode
    /// The kind of shot ("customize").
    case shotType = "shot_type"

    /// The parameter types a parameter with this role may have.
    public var acceptedTypes: [ParameterType] {
        switch self {
        case .startImage, .endImage, .referenceVideo: return [.url]
        case .referenceImages: return [.urlList]
        case .duration: return [.string, .number, .integer]
        case .audio: return [.boolean]
        case .promptList: return [.promptList]
        case .prompt, .aspectRatio, .elements, .outputFormat, .resolution, .mode, .shotType: return [.string]
        }
    }

    /// Decodes a role, naming the known ones when the text is not one of them.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let role = ParameterRole(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown role '\(text)'; known: \(Self.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        self = role
    }
}
