import Foundation

/// What a model returns.
enum OutputKind: Sendable {
    case video
    case image
}

/// The type a request parameter must have.
enum ParameterType: Sendable {
    /// A non-empty string.
    case text
    /// A string or null (null means the default).
    case optionalText
    /// An http or https URL.
    case uri
    /// A non-empty array of http or https URLs.
    case uriArray
    /// A JSON boolean.
    case boolean
    /// One of a fixed set of strings.
    case oneOf([String])
    /// A whole number of seconds from the set, given as a JSON number or a numeric string.
    case seconds([Int])
    /// An array of `{"prompt": string, "duration": seconds}` objects.
    case multiPrompt
}

/// One parameter of a model's request body.
struct ParameterSpec: Sendable {
    var name: String
    var type: ParameterType
    var required: Bool = false
}

/// One of the five Segmind models the simulator serves, encoded from SEGMIND-API.md (independently of the client's catalog).
struct SimulatedModel: Sendable {
    var slug: String
    var output: OutputKind
    var parameters: [ParameterSpec]

    static let all: [String: SimulatedModel] = Dictionary(
        uniqueKeysWithValues: [
            SimulatedModel(
                slug: "kling-o1-reference-image-to-video", output: .video,
                parameters: [
                    .init(name: "prompt", type: .text, required: true),
                    .init(name: "image_urls", type: .uriArray, required: true),
                    .init(name: "duration", type: .seconds([5, 10])),
                    .init(name: "aspect_ratio", type: .oneOf(["16:9", "9:16", "1:1"])),
                    .init(name: "elements", type: .optionalText),
                ]),
            SimulatedModel(
                slug: "kling-o1-image-to-video", output: .video,
                parameters: [
                    .init(name: "prompt", type: .text, required: true),
                    .init(name: "start_image_url", type: .uri, required: true),
                    .init(name: "end_image_url", type: .uri),
                    .init(name: "duration", type: .seconds([5, 10])),
                ]),
            SimulatedModel(
                slug: "kling-o1-video-to-video-reference", output: .video,
                parameters: [
                    .init(name: "prompt", type: .text, required: true),
                    .init(name: "video_url", type: .uri, required: true),
                    .init(name: "image_urls", type: .uriArray),
                    .init(name: "elements", type: .optionalText),
                    .init(name: "aspect_ratio", type: .oneOf(["auto", "16:9", "9:16", "1:1"])),
                    .init(name: "duration", type: .seconds([5, 10])),
                    .init(name: "keep_audio", type: .boolean),
                ]),
            SimulatedModel(
                slug: "kling-o1", output: .image,
                parameters: [
                    .init(name: "prompt", type: .text, required: true),
                    .init(name: "image_urls", type: .uriArray, required: true),
                    .init(name: "aspect_ratio", type: .oneOf(["auto", "16:9", "9:16", "1:1"])),
                    .init(name: "output_format", type: .oneOf(["png", "jpg"])),
                    .init(name: "resolution", type: .oneOf(["1K"])),
                ]),
            SimulatedModel(
                slug: "kling-o3-image2video", output: .video,
                parameters: [
                    .init(name: "image_url", type: .uri, required: true),
                    .init(name: "prompt", type: .text, required: true),
                    .init(name: "duration", type: .seconds(Array(3...15))),
                    .init(name: "end_image_url", type: .uri),
                    .init(name: "generate_audio", type: .boolean),
                    .init(name: "mode", type: .oneOf(["std", "pro"])),
                    .init(name: "multi_prompt", type: .multiPrompt),
                    .init(name: "shot_type", type: .optionalText),
                ]),
        ].map { ($0.slug, $0) })

    /// Checks a request body, returning the validated request or the 400 message.
    func validate(_ body: JSONValue) -> Result<GenerationRequest, ValidationFailure> {
        guard case .object(let fields) = body else {
            return .failure(ValidationFailure(message: "Request body must be a JSON object"))
        }
        let known = Set(parameters.map(\.name))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(ValidationFailure(message: "Unknown parameter '\(unknown)' for model \(slug)"))
        }
        var values: [String: JSONValue] = [:]
        for spec in parameters {
            let value = fields[spec.name] ?? .null
            if value == .null {
                if spec.required { return .failure(ValidationFailure(message: "Missing required parameter '\(spec.name)'")) }
                continue
            }
            if let problem = Self.check(value, against: spec) {
                return .failure(ValidationFailure(message: "Parameter '\(spec.name)' \(problem)"))
            }
            values[spec.name] = value
        }
        return .success(GenerationRequest(model: self, values: values))
    }

    /// Nil when `value` fits `spec`, otherwise what is wrong ("must be ...").
    private static func check(_ value: JSONValue, against spec: ParameterSpec) -> String? {
        switch spec.type {
        case .text:
            guard let s = value.stringValue else { return "must be a string" }
            return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "must not be empty" : nil
        case .optionalText:
            return value.stringValue == nil ? "must be a string" : nil
        case .uri:
            guard let s = value.stringValue else { return "must be a string (a URL)" }
            return isHTTPURL(s) ? nil : "must be an http or https URL, got '\(s.prefix(80))'"
        case .uriArray:
            guard let items = value.arrayValue else { return "must be an array of URLs" }
            guard !items.isEmpty else { return "must not be empty" }
            for item in items {
                guard let s = item.stringValue, isHTTPURL(s) else { return "must hold only http or https URLs" }
            }
            return nil
        case .boolean:
            return value.boolValue == nil ? "must be a boolean" : nil
        case .oneOf(let allowed):
            guard let s = value.stringValue, allowed.contains(s) else {
                return "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))"
            }
            return nil
        case .seconds(let allowed):
            guard let n = seconds(value), allowed.contains(n) else {
                let range = allowed.count > 3 ? "\(allowed.first!) to \(allowed.last!)" : allowed.map(String.init).joined(separator: ", ")
                return "must be one of \(range) (seconds)"
            }
            return nil
        case .multiPrompt:
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

    /// A whole number of seconds from a JSON number or numeric string.
    static func seconds(_ value: JSONValue) -> Int? {
        switch value {
        case .number(let n) where n == n.rounded() && n >= 0 && n < 1000: return Int(n)
        case .string(let s): return Int(s)
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

/// A request body that passed validation, with the defaults applied.
struct GenerationRequest: Sendable {
    var model: SimulatedModel
    var values: [String: JSONValue]

    var prompt: String { values["prompt"]?.stringValue ?? "" }

    /// Seconds of video (the model's default when absent).
    var duration: Int { values["duration"].flatMap(SimulatedModel.seconds) ?? 5 }

    /// `std` or `pro`; the O1 models render as pro.
    var mode: String { values["mode"]?.stringValue ?? "pro" }

    /// The requested aspect ratio, or nil for "auto" / follow the input image.
    var requestedAspect: AspectRatio? {
        switch model.slug {
        case "kling-o1-reference-image-to-video": return AspectRatio(rawValue: values["aspect_ratio"]?.stringValue ?? "16:9")
        case "kling-o1-video-to-video-reference", "kling-o1": return values["aspect_ratio"]?.stringValue.flatMap(AspectRatio.init)
        default: return nil
        }
    }

    /// The image whose picture starts the video (or is edited, for `kling-o1`).
    var startImageURL: String? {
        if let s = values["start_image_url"]?.stringValue ?? values["image_url"]?.stringValue { return s }
        return imageURLs.first
    }

    /// The image the video must end on, when given.
    var endImageURL: String? { values["end_image_url"]?.stringValue }

    /// Reference images.
    var imageURLs: [String] { values["image_urls"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The reference video (`kling-o1-video-to-video-reference`).
    var videoURL: String? { values["video_url"]?.stringValue }

    /// Whether the output carries an AAC track.
    var wantsAudio: Bool { (values["generate_audio"]?.boolValue ?? false) || (values["keep_audio"]?.boolValue ?? false) }

    /// `png` or `jpg` for `kling-o1`.
    var outputFormat: String { values["output_format"]?.stringValue ?? "png" }

    /// Every input URL, with the parameter it came from, in request order.
    var inputURLs: [(parameter: String, url: String)] {
        var list: [(String, String)] = []
        for name in ["start_image_url", "image_url", "end_image_url", "video_url"] {
            if let s = values[name]?.stringValue { list.append((name, s)) }
        }
        for (i, s) in imageURLs.enumerated() { list.append(("image_urls[\(i)]", s)) }
        return list
    }

    /// The price in thousandths of a dollar (SEGMIND-API.md: O1 prices are for 5 s and scale with duration;
    /// kling-o3 $0.63 to $5.25 is $0.21/s std and $0.35/s pro; kling-o1 $0.035 per image).
    var costMillis: Int {
        switch model.slug {
        case "kling-o1-reference-image-to-video": return 1345 * duration / 5
        case "kling-o1-image-to-video": return 912 * duration / 5
        // Not on SEGMIND-API.md; research/api-clients.md reports ~$1.424 for 5 s.
        case "kling-o1-video-to-video-reference": return 1424 * duration / 5
        case "kling-o1": return 35
        case "kling-o3-image2video": return (mode == "std" ? 210 : 350) * duration
        default: return 0
        }
    }
}

/// The three aspect ratios Kling renders.
enum AspectRatio: String, Sendable {
    case landscape = "16:9"
    case portrait = "9:16"
    case square = "1:1"

    /// The ratio closest to `width:height`.
    static func nearest(width: Int, height: Int) -> AspectRatio {
        let r = Double(width) / Double(max(height, 1))
        let candidates: [(AspectRatio, Double)] = [(.landscape, 16.0 / 9.0), (.portrait, 9.0 / 16.0), (.square, 1)]
        return candidates.min(by: { abs(log($0.1 / r)) < abs(log($1.1 / r)) })!.0
    }

    /// Output size before scaling: Kling pro 1920x1080 / 1080x1920 / 1440x1440, std 1280x720 / 720x1280 / 960x960;
    /// the 1K image tier 1280x720 / 720x1280 / 1024x1024.
    func size(mode: String, output: OutputKind) -> (width: Int, height: Int) {
        switch (self, output, mode) {
        case (.landscape, .image, _): return (1280, 720)
        case (.portrait, .image, _): return (720, 1280)
        case (.square, .image, _): return (1024, 1024)
        case (.landscape, .video, "std"): return (1280, 720)
        case (.portrait, .video, "std"): return (720, 1280)
        case (.square, .video, "std"): return (960, 960)
        case (.landscape, .video, _): return (1920, 1080)
        case (.portrait, .video, _): return (1080, 1920)
        case (.square, .video, _): return (1440, 1440)
        }
    }
}
