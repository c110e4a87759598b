import Foundation
import MediaKit
import Segmind
import Yams

/// Where a shot's input image comes from.
public enum ImageSource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A local file (absolute, or relative to the storyboard's folder when written in the file).
    case file(String)
    /// An http(s) URL, sent as is.
    case url(String)
    /// The exact last frame of the previous shot (or its image, for an image step).
    case previous
    /// The exact last frame (or the image) of the shot with this id, which must come earlier.
    case shot(String)

    /// Parses `previous`, `shot:ID`, an http(s) URL, or a path resolved against `base`.
    public init(parsing text: String, base: URL) {
        if text == "previous" {
            self = .previous
        } else if text.hasPrefix("shot:") {
            self = .shot(String(text.dropFirst(5)))
        } else if text.hasPrefix("http://") || text.hasPrefix("https://") {
            self = .url(text)
        } else {
            self = .file(URL(fileURLWithPath: text, relativeTo: base).standardizedFileURL.path)
        }
    }

    /// The storyboard spelling (`file:` before absolute paths).
    public var description: String {
        switch self {
        case .file(let p): return "file:" + p
        case .url(let u): return u
        case .previous: return "previous"
        case .shot(let id): return "shot:" + id
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text.hasPrefix("file:") {
            self = .file(String(text.dropFirst(5)))
        } else {
            self.init(parsing: text, base: URL(fileURLWithPath: "/"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One shot of a storyboard: a model call whose inputs may come from earlier shots.
public struct Shot: Sendable, Equatable, Codable {
    /// The shot's id (unique in the storyboard).
    public var id: String
    /// The model slug (the shot's own, else the storyboard default).
    public var model: String
    /// Model parameters other than the input images (`prompt`, `duration`, `multi_prompt`, `generate_audio`, ...).
    public var parameters: [String: JSONValue]
    /// The start (first-frame) image.
    public var startImage: ImageSource?
    /// The end (last-frame) image.
    public var endImage: ImageSource?
    /// Reference images.
    public var referenceImages: [ImageSource]
    /// A reference video (`video:`): a path, a URL, `previous` or `shot:ID` for an earlier shot's output video.
    public var video: ImageSource?
    /// The shot's own `color_match` (nil: the storyboard default).
    public var colorMatch: ColorMatch?
    /// The shot's own `color_strength`, 0...1 (nil: the storyboard default).
    public var colorStrength: Double?

    /// Creates a shot.
    public init(
        id: String, model: String, parameters: [String: JSONValue] = [:], startImage: ImageSource? = nil, endImage: ImageSource? = nil,
        referenceImages: [ImageSource] = []
    ) {
        self.id = id
        self.model = model
        self.parameters = parameters
        self.startImage = startImage
        self.endImage = endImage
        self.referenceImages = referenceImages
    }

    /// Every input source (images, then the reference video) with the storyboard field it came from.
    public var imageSources: [(field: String, source: ImageSource)] {
        var out: [(String, ImageSource)] = []
        if let startImage { out.append(("start_image", startImage)) }
        if let endImage { out.append(("end_image", endImage)) }
        for (i, r) in referenceImages.enumerated() { out.append(("reference_images[\(i)]", r)) }
        if let video { out.append(("video", video)) }
        return out
    }
}

/// The storyboard's defaults.
public struct StoryboardDefaults: Sendable, Equatable {
    /// The model of shots that name none.
    public var model: String?
    /// Model parameters applied to every shot whose model has them and that does not set them.
    public var parameters: [String: JSONValue]
    /// How video shots are joined.
    public var seam: SeamSpec
    /// An encode preset file (`presets/encode/*.json`) for re-encoded segments, or nil for the built-in one.
    public var encodePreset: String?
    /// The assembled video's file name, relative to the out folder.
    public var output: String
    /// How video shots that set none match their colour (`off` unless given).
    public var colorMatch: ColorMatch
    /// How much of the colour correction video shots that set none apply, 0...1 (1 unless given).
    public var colorStrength: Double

    /// Defaults: no model, no parameters, `drop-first` seams, the built-in preset, `final.mp4`, no colour matching.
    public init(
        model: String? = nil, parameters: [String: JSONValue] = [:], seam: SeamSpec = .dropFirst, encodePreset: String? = nil,
        output: String = "final.mp4", colorMatch: ColorMatch = .off, colorStrength: Double = 1
    ) {
        self.model = model
        self.parameters = parameters
        self.seam = seam
        self.encodePreset = encodePreset
        self.output = output
        self.colorMatch = colorMatch
        self.colorStrength = colorStrength
    }
}

/// A parsed storyboard file: defaults and shots, in order. It is only structurally checked; `ChainPlan` checks it
/// against the model catalog.
public struct StoryboardFile: Sendable, Equatable {
    /// The file's path.
    public var path: String
    /// The defaults.
    public var defaults: StoryboardDefaults
    /// The shots, in order.
    public var shots: [Shot]
    /// Problems found while reading (unknown keys, wrong types); reported with the catalog checks.
    public var issues: [StoryboardIssue]

    /// Reads a YAML or JSON storyboard.
    ///
    /// - Throws: `StoryboardError.unreadable` when the file cannot be read or is not YAML/JSON with a `shots` list.
    public static func load(_ path: String) throws -> StoryboardFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StoryboardError.unreadable(path: path, message: "cannot read the file (\((error as NSError).localizedDescription))")
        }
        let root: JSONValue
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw StoryboardError.unreadable(path: path, message: "the file is empty")
            }
            root = convert(node)
        } catch let e as StoryboardError {
            throw e
        } catch {
            let line = String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
            throw StoryboardError.unreadable(path: path, message: "not valid YAML or JSON: \(line)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(root, path: path, base: base)
    }

    /// Builds a storyboard from an already parsed document (`base` resolves relative paths).
    public static func parse(_ root: JSONValue, path: String, base: URL) throws -> StoryboardFile {
        guard case .object(let top) = root else {
            throw StoryboardError.unreadable(path: path, message: "the top level must be a mapping with defaults and shots")
        }
        var issues: [StoryboardIssue] = []
        for key in top.keys.sorted() where !["defaults", "shots", "name", "description", "version"].contains(key) {
            issues.append(.init(shot: "storyboard", field: key, message: "unknown key; allowed: name, description, defaults, shots"))
        }
        var defaults = StoryboardDefaults()
        if let d = top["defaults"] {
            if case .object(let o) = d {
                for (key, value) in o.sorted(by: { $0.key < $1.key }) {
                    switch key {
                    case "model":
                        if let s = value.stringValue { defaults.model = s } else { issues.append(typeIssue("defaults", key, "a model slug", value)) }
                    case "seam":
                        if let s = value.stringValue, let p = SeamSpec(argument: s) {
                            defaults.seam = p
                        } else {
                            issues.append(.init(shot: "defaults", field: key, message: "\(value) is not auto, keep, drop-first or crossfade=N"))
                        }
                    case "color_match":
                        if let m = colorMatch(value, shot: "defaults", issues: &issues) { defaults.colorMatch = m }
                    case "color_strength":
                        if let v = colorStrength(value, shot: "defaults", issues: &issues) { defaults.colorStrength = v }
                    case "encode_preset":
                        if let s = value.stringValue {
                            defaults.encodePreset = URL(fileURLWithPath: s, relativeTo: base).standardizedFileURL.path
                        } else {
                            issues.append(typeIssue("defaults", key, "a file path", value))
                        }
                    case "output":
                        if let s = value.stringValue, !s.isEmpty, !s.contains("/"), s.hasSuffix(".mp4") {
                            defaults.output = s
                        } else {
                            issues.append(
                                .init(
                                    shot: "defaults", field: key, message: "\(value) must be a file name ending in .mp4 (written in the out folder)"))
                        }
                    default: defaults.parameters[key] = value
                    }
                }
            } else {
                issues.append(typeIssue("defaults", "defaults", "a mapping", d))
            }
        }
        guard case .array(let list)? = top["shots"] else {
            throw StoryboardError.unreadable(path: path, message: "there is no shots list")
        }
        var shots: [Shot] = []
        for (index, item) in list.enumerated() {
            let fallbackID = "#\(index + 1)"
            guard case .object(let o) = item else {
                issues.append(typeIssue(fallbackID, "shot", "a mapping", item))
                continue
            }
            var id = fallbackID
            if let v = o["id"] {
                if let s = v.stringValue, !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                    id = s
                } else {
                    issues.append(.init(shot: fallbackID, field: "id", message: "\(v) must be letters, digits, - or _"))
                }
            } else {
                issues.append(.init(shot: fallbackID, field: "id", message: "missing"))
            }
            var shot = Shot(id: id, model: defaults.model ?? "")
            func image(_ field: String, _ v: JSONValue) -> ImageSource? {
                guard let s = v.stringValue, !s.isEmpty else {
                    issues.append(typeIssue(id, field, "a path, a URL, previous or shot:ID", v))
                    return nil
                }
                return ImageSource(parsing: s, base: base)
            }
            for (key, value) in o.sorted(by: { $0.key < $1.key }) {
                switch key {
                case "id": break
                case "model":
                    if let s = value.stringValue { shot.model = s } else { issues.append(typeIssue(id, key, "a model slug", value)) }
                case "color_match": shot.colorMatch = colorMatch(value, shot: id, issues: &issues)
                case "color_strength": shot.colorStrength = colorStrength(value, shot: id, issues: &issues)
                case "start_image": shot.startImage = image(key, value)
                case "end_image": shot.endImage = image(key, value)
                case "video": shot.video = image(key, value)
                case "reference_images":
                    if case .array(let a) = value {
                        shot.referenceImages = a.enumerated().compactMap { image("reference_images[\($0.offset)]", $0.element) }
                    } else {
                        issues.append(typeIssue(id, key, "a list", value))
                    }
                case "params":
                    if case .object(let p) = value {
                        for (k, v) in p { shot.parameters[k] = v }
                    } else {
                        issues.append(typeIssue(id, key, "a mapping of model parameters", value))
                    }
                default: shot.parameters[key] = value
                }
            }
            if shot.model.isEmpty { issues.append(.init(shot: id, field: "model", message: "no model given and no defaults.model")) }
            shots.append(shot)
        }
        if shots.isEmpty && issues.isEmpty { issues.append(.init(shot: "storyboard", field: "shots", message: "the list is empty")) }
        return StoryboardFile(path: path, defaults: defaults, shots: shots, issues: issues)
    }

    /// `off`, `anchor` or `previous`; else nil and an issue naming `shot` and the key.
    private static func colorMatch(_ value: JSONValue, shot: String, issues: inout [StoryboardIssue]) -> ColorMatch? {
        if let s = value.stringValue, let m = ColorMatch(rawValue: s) { return m }
        issues.append(.init(shot: shot, field: "color_match", message: "\(value) is not off, anchor or previous"))
        return nil
    }

    /// A number from 0 to 1; else nil and an issue naming `shot` and the key.
    private static func colorStrength(_ value: JSONValue, shot: String, issues: inout [StoryboardIssue]) -> Double? {
        if case .number(let v) = value, v >= 0, v <= 1 { return v }
        issues.append(.init(shot: shot, field: "color_strength", message: "\(value) must be a number from 0 to 1"))
        return nil
    }

    private static func typeIssue(_ shot: String, _ field: String, _ expected: String, _ got: JSONValue) -> StoryboardIssue {
        StoryboardIssue(shot: shot, field: field, message: "expected \(expected), got \(got.typeName) \(got)")
    }

    /// YAML node to JSON value: plain scalars become booleans, null or numbers when they read as such; quoted ones
    /// stay strings (so `"16:9"` and `"5"` are strings, `5` is a number).
    static func convert(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let s):
            guard s.style == .plain else { return .string(s.string) }
            switch s.string {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case "null", "Null", "NULL", "~", "": return .null
            default:
                if s.string.range(of: #"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil,
                    let d = Double(s.string)
                {
                    return .number(d)
                }
                return .string(s.string)
            }
        case .mapping(let m):
            var o: [String: JSONValue] = [:]
            for (k, v) in m { o[k.string ?? String(describing: k)] = convert(v) }
            return .object(o)
        case .sequence(let seq):
            return .array(seq.map(convert))
        }
    }
}
