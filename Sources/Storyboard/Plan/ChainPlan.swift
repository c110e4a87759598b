import Foundation
import MediaKit
import Segmind

/// One shot ready to run: its model, the parameters to send, where its images come from, and what it depends on.
public struct PlannedShot: Sendable, Equatable {
    /// The shot as written.
    public var shot: Shot
    /// The catalog entry.
    public var model: ModelSpec
    /// The parameters to send, defaults applied, input images not yet filled in.
    public var parameters: [String: JSONValue]
    /// Model parameter for each image source, in order (a list parameter appears once per item).
    public var inputs: [(parameter: String, source: ImageSource)]
    /// Ids of the shots whose output this shot needs.
    public var dependencies: [String]
    /// The estimated price in US dollars (0 when the catalog cannot compute one: see `priced`).
    public var estimatedUSD: Double
    /// Whether `estimatedUSD` is a price (from the catalog or given by the user) rather than unknown.
    public var priced = true
    /// The model's typical generation time in seconds.
    public var expectedSeconds: Double
    /// A fingerprint of everything that defines the shot (model, parameters, inputs); the journal compares it. It
    /// names local input files by their bytes only, so a run folder moved with its storyboard still matches.
    public var fingerprint: String
    /// The fingerprint as earlier versions computed it, with each local input file's absolute path as well: a take
    /// journaled by them matches it (and the runner journals the current one for it).
    public var formerFingerprint: String
    /// How the shot's colour is matched (`.off` for an image shot).
    public var colour: ColourPlan = .off

    /// The shot's id.
    public var id: String { shot.id }

    public static func == (a: PlannedShot, b: PlannedShot) -> Bool {
        a.shot == b.shot && a.fingerprint == b.fingerprint && a.dependencies == b.dependencies
    }

    /// Whether a journaled take's fingerprint is this shot's, current or former.
    func matches(fingerprint journaled: String) -> Bool { journaled == fingerprint || journaled == formerFingerprint }
}

/// A storyboard checked against the model catalog: every shot valid, dependencies known, cost and time estimated.
public struct ChainPlan: Sendable {
    /// The storyboard file.
    public var storyboard: StoryboardFile
    /// The shots, in storyboard order.
    public var shots: [PlannedShot]

    /// The summed estimated cost in US dollars.
    public var estimatedUSD: Double { shots.map(\.estimatedUSD).reduce(0, +) }

    /// The estimated wall time in seconds with `concurrency` shots at a time: the longest dependency path,
    /// or the sum when only one runs at a time.
    public func estimatedSeconds(concurrency: Int) -> Double {
        if concurrency <= 1 { return shots.map(\.expectedSeconds).reduce(0, +) }
        var finish: [String: Double] = [:]
        for s in shots {
            finish[s.id] = (s.dependencies.compactMap { finish[$0] }.max() ?? 0) + s.expectedSeconds
        }
        return finish.values.max() ?? 0
    }

    /// Checks `storyboard` against `catalog`, reporting every problem at once.
    ///
    /// Local input files are checked against the model's limits (`validator`); inputs that come from earlier
    /// shots are checked when they exist.
    /// - Throws: `StoryboardError.invalid` listing every problem, each with its shot id and field.
    public init(storyboard: StoryboardFile, catalog: ModelCatalog, validator: RequestValidator = RequestValidator()) throws {
        var issues = storyboard.issues
        var planned: [PlannedShot] = []
        var seen: [String: Int] = [:]
        // The anchor (the first video shot), the last video shot so far and what each shot hands on.
        var anchor: ColourPlan.Anchor?
        var previousVideo: (id: String, plan: ColourPlan)?
        var handedOn: [String: String] = [:]
        for (index, shot) in storyboard.shots.enumerated() {
            if let first = seen[shot.id] {
                issues.append(.init(shot: shot.id, field: "id", message: "used again (first by shot #\(first + 1))"))
            } else {
                seen[shot.id] = index
            }
            guard !shot.model.isEmpty else { continue }
            let model: ModelSpec
            do { model = try catalog.model(shot.model) } catch {
                issues.append(
                    .init(
                        shot: shot.id, field: "model",
                        message: "unknown model \(shot.model); known: \(catalog.models.map(\.slug).joined(separator: ", "))"))
                continue
            }
            var parameters = shot.parameters
            for (key, value) in storyboard.defaults.parameters where parameters[key] == nil && model.parameter(key) != nil {
                parameters[key] = value
            }
            var colour = ColourPlan.off
            if model.returns == .video {
                if shot.endImage != nil, let m = shot.colorMatch, m != .off {
                    issues.append(
                        .init(shot: shot.id, field: "color_match", message: "a shot with an end_image keeps its colours; remove one of them"))
                }
                colour = ColourPlan.resolve(shot, defaults: storyboard.defaults, anchor: anchor, previous: previousVideo)
                anchor = ColourPlan.anchor(after: shot, anchor)
                previousVideo = (shot.id, colour)
                handedOn[shot.id] = colour.handedOn
            } else if let m = shot.colorMatch, m != .off {
                issues.append(.init(shot: shot.id, field: "color_match", message: "\(model.slug) makes an image; colour matching is for video shots"))
            }
            var seeds: [String] = []
            var inputs: [(String, ImageSource)] = []
            var dependencies: [String] = []
            var localInputs: [LocalInput] = []
            var urlParameters = parameters
            for (field, source) in shot.imageSources {
                guard let parameter = Self.parameter(for: field, model: model) else {
                    issues.append(
                        .init(
                            shot: shot.id, field: field,
                            message: "\(model.slug) takes no \(field.split(separator: "[")[0].replacingOccurrences(of: "_", with: " "))"))
                    continue
                }
                if parameters[parameter] != nil {
                    issues.append(.init(shot: shot.id, field: field, message: "\(parameter) is also given as a parameter; give it once"))
                    continue
                }
                switch source {
                case .previous, .shot:
                    let target: String
                    if case .shot(let id) = source {
                        target = id
                    } else {
                        guard index > 0 else {
                            issues.append(.init(shot: shot.id, field: field, message: "previous: there is no previous shot"))
                            continue
                        }
                        target = storyboard.shots[index - 1].id
                    }
                    guard let t = seen[target], t < index else {
                        issues.append(.init(shot: shot.id, field: field, message: "shot:\(target) is not an earlier shot"))
                        continue
                    }
                    if !dependencies.contains(target) { dependencies.append(target) }
                    if field != "video", let seed = handedOn[target] { seeds.append(seed) }
                    let placeholder = field == "video" ? "video.mp4" : "frame.png"
                    Self.add(&urlParameters, parameter, .string("https://shotchain.invalid/\(target)/\(placeholder)"), model: model)
                case .url(let u): Self.add(&urlParameters, parameter, .string(u), model: model)
                case .file(let p): localInputs.append(LocalInput(parameter: parameter, path: p))
                }
                inputs.append((parameter, source))
            }
            var estimate = 0.0
            var priced = true
            do {
                let request = try validator.validate(model: model, parameters: urlParameters, localInputs: localInputs)
                estimate = request.estimatedUSD ?? 0
                priced = request.estimatedUSD != nil
            } catch SegmindError.invalidRequest(_, let list) {
                for i in list {
                    issues.append(.init(shot: shot.id, field: Self.field(for: i.parameter, shot: shot, model: model), message: i.message))
                }
            } catch {
                issues.append(.init(shot: shot.id, field: "inputs", message: String(describing: error)))
            }
            let inputBytes = localInputs.map { ContentHash.file($0.path) }
            planned.append(
                PlannedShot(
                    shot: shot, model: model, parameters: parameters, inputs: inputs, dependencies: dependencies, estimatedUSD: estimate,
                    expectedSeconds: model.typicalLatencySeconds,
                    fingerprint: Self.fingerprint(shot: shot, parameters: parameters, inputBytes: inputBytes, seeds: seeds),
                    formerFingerprint: Self.fingerprint(
                        shot: shot, parameters: parameters, inputBytes: inputBytes, seeds: seeds, withPaths: true)))
            planned[planned.count - 1].priced = priced
            planned[planned.count - 1].colour = colour
        }
        if planned.count == storyboard.shots.count { issues += Self.unusedDefaults(storyboard, models: planned.map(\.model)) }
        // A shot that feeds another must produce a picture: a video (its last frame) or an image.
        if !issues.isEmpty { throw StoryboardError.invalid(path: storyboard.path, issues: issues) }
        self.storyboard = storyboard
        self.shots = planned
    }

    /// The model parameter a storyboard image field maps to through the catalog's roles, nil when the model has none:
    /// `start_image` is the start image (else the first reference image), `end_image` the end image and
    /// `reference_images[i]` the reference images.
    static func parameter(for field: String, model: ModelSpec) -> String? {
        let roles: [ParameterRole]
        if field == "start_image" {
            roles = [.startImage, .referenceImages]
        } else if field == "end_image" {
            roles = [.endImage]
        } else if field == "video" {
            roles = [.referenceVideo]
        } else {
            roles = [.referenceImages]
        }
        return roles.lazy.compactMap { model.parameter(role: $0)?.name }.first
    }

    /// A `defaults` parameter that no model of the storyboard takes (a typo such as `genrate_audio`) is an issue
    /// rather than silently dropped (checked once every shot's model is known).
    static func unusedDefaults(_ storyboard: StoryboardFile, models: [ModelSpec]) -> [StoryboardIssue] {
        let slugs = Set(models.map(\.slug)).sorted().joined(separator: ", ")
        return storyboard.defaults.parameters.keys.sorted().filter { key in !models.contains { $0.parameter(key) != nil } }.map {
            StoryboardIssue(shot: "defaults", field: $0, message: "no model in the storyboard takes this parameter (models: \(slugs))")
        }
    }

    /// The storyboard field a model parameter came from (for issues), else the parameter itself.
    static func field(for parameter: String, shot: Shot, model: ModelSpec) -> String {
        for (field, _) in shot.imageSources where Self.parameter(for: field, model: model) == parameter {
            return field.split(separator: "[").first.map(String.init) ?? field
        }
        return parameter
    }

    /// Adds a URL to `parameters`: appended for a list parameter, set otherwise.
    static func add(_ parameters: inout [String: JSONValue], _ name: String, _ value: JSONValue, model: ModelSpec) {
        if model.parameter(name)?.type == .urlList {
            var list: [JSONValue] = []
            if case .array(let a)? = parameters[name] { list = a }
            parameters[name] = .array(list + [value])
        } else {
            parameters[name] = value
        }
    }

    /// FNV-1a (64 bit) over the shot's canonical JSON, the content hashes of its local input files and what the
    /// earlier shots' pictures it starts from are made from (`ColourPlan.handedOn`, for colour-matched ones), as 16 hex
    /// digits: editing a parameter, the bytes of an input file or the colour matching of a shot it starts from changes
    /// it. The shot's own `color_match` and `color_strength` are not in it (they change what it hands on, not its take).
    /// A local file enters by its bytes (`inputBytes`, in the order of the shot's inputs), not its path, unless
    /// `withPaths` asks for the former fingerprint, which had both.
    static func fingerprint(
        shot: Shot, parameters: [String: JSONValue], inputBytes: [String] = [], seeds: [String] = [], withPaths: Bool = false
    ) -> String {
        func source(_ s: ImageSource?) -> ImageSource? {
            guard !withPaths, case .file? = s else { return s }
            return .file("")
        }
        struct Canonical: Encodable {
            var model: String
            var parameters: [String: JSONValue]
            var start: ImageSource?
            var end: ImageSource?
            var references: [ImageSource]
            var video: ImageSource?
            var inputBytes: [String]?
            var seeds: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data =
            (try? encoder.encode(
                Canonical(
                    model: shot.model, parameters: parameters, start: source(shot.startImage), end: source(shot.endImage),
                    references: shot.referenceImages.compactMap { source($0) }, video: source(shot.video),
                    inputBytes: inputBytes.isEmpty ? nil : inputBytes, seeds: seeds.isEmpty ? nil : seeds)))
            ?? Data()
        var hash = ContentHash()
        hash.add(data)
        return hash.hex
    }

    /// The plan as lines for `--dry-run`.
    public func describe(concurrency: Int) -> String {
        var lines = ["\(shots.count) shot\(shots.count == 1 ? "" : "s") from \(storyboard.path):"]
        for s in shots {
            let deps = s.dependencies.isEmpty ? "" : " after \(s.dependencies.joined(separator: ", "))"
            let duration = s.model.parameter(role: .duration).flatMap { s.parameters[$0.name] }.map { " \($0.stringValue ?? $0.jsonText) s" } ?? ""
            let inputs = s.inputs.map { "\($0.parameter)=\($0.source)" }.joined(separator: " ")
            let price =
                (s.priced ? "~$\(money(s.estimatedUSD))" : "price unknown") + (s.colour.mode == .off ? "" : ", colour \(s.colour.mode.rawValue)")
            lines.append(
                "  \(s.id): \(s.model.slug)\(duration), \(price), ~\(Int(s.expectedSeconds.rounded())) s\(deps)\(inputs.isEmpty ? "" : "; " + inputs)"
            )
        }
        let unpriced = Set(shots.filter { !$0.priced }.map(\.model.slug)).sorted()
        let unknown = unpriced.isEmpty ? "" : " plus unpriced \(unpriced.joined(separator: ", ")) (give --price SLUG=USD)"
        lines.append(
            "estimated cost $\(money(estimatedUSD))\(unknown); estimated time ~\(Int(estimatedSeconds(concurrency: concurrency).rounded())) s at concurrency \(concurrency); seams \(storyboard.defaults.seam); output \(storyboard.defaults.output)"
        )
        return lines.joined(separator: "\n")
    }

    /// Refuses a plan that `--max-cost` cannot keep: a shot whose price is unknown, or an estimate above it.
    ///
    /// - Throws: `StoryboardError.unpriced`, `.overBudget`.
    public func checkEstimate(maxUSD: Double?) throws {
        guard let maxUSD else { return }
        let unpriced = shots.filter { !$0.priced }
        if !unpriced.isEmpty {
            throw StoryboardError.unpriced(shots: unpriced.map(\.id), models: Set(unpriced.map(\.model.slug)).sorted(), maxUSD: maxUSD)
        }
        if estimatedUSD > maxUSD + 1e-9 { throw StoryboardError.overBudget(estimatedUSD: estimatedUSD, maxUSD: maxUSD) }
    }

    /// The plan with `prices` (US dollars per generation, by model slug) standing in for the shots whose price the
    /// catalog cannot compute.
    public func pricing(_ prices: [String: Double]) -> ChainPlan {
        var plan = self
        for i in plan.shots.indices where !plan.shots[i].priced {
            if let usd = prices[plan.shots[i].model.slug] {
                plan.shots[i].estimatedUSD = usd
                plan.shots[i].priced = true
            }
        }
        return plan
    }

    /// The plan as a codable summary for `--dry-run --json`.
    public func summary(concurrency: Int) -> PlanSummary {
        PlanSummary(
            storyboard: storyboard.path,
            shots: shots.map {
                PlanSummary.ShotSummary(
                    id: $0.id, model: $0.model.slug, returns: $0.model.returns.rawValue, dependsOn: $0.dependencies,
                    inputs: Dictionary($0.inputs.map { ($0.parameter, $0.source.description) }, uniquingKeysWith: { a, b in a + ", " + b }),
                    parameters: $0.parameters, estimatedUSD: $0.estimatedUSD, expectedSeconds: $0.expectedSeconds,
                    colorMatch: $0.model.returns == .video ? PlanSummary.ColourSummary($0.colour) : nil)
            }, estimatedUSD: estimatedUSD, estimatedSeconds: estimatedSeconds(concurrency: concurrency), concurrency: concurrency,
            seam: storyboard.defaults.seam.description, output: storyboard.defaults.output)
    }
}
