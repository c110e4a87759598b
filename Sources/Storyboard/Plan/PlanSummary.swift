import Segmind

/// What `--dry-run --json` prints.
public struct PlanSummary: Sendable, Codable, Equatable {
    /// One shot of the plan.
    public struct ShotSummary: Sendable, Codable, Equatable {
        /// The shot id.
        public var id: String
        /// The model slug.
        public var model: String
        /// "video" or "image".
        public var returns: String
        /// Ids of the shots it waits for.
        public var dependsOn: [String]
        /// Input parameter to image source.
        public var inputs: [String: String]
        /// The parameters sent (inputs aside).
        public var parameters: [String: JSONValue]
        /// Estimated cost in US dollars.
        public var estimatedUSD: Double
        /// Typical generation time in seconds.
        public var expectedSeconds: Double
        /// How its colour is matched (video shots only).
        public var colorMatch: ColourSummary?

        enum CodingKeys: String, CodingKey {
            case id, model, returns, inputs, parameters
            case dependsOn = "depends_on"
            case estimatedUSD = "estimated_usd"
            case expectedSeconds = "expected_seconds"
            case colorMatch = "color_match"
        }
    }

    /// A video shot's colour matching as planned: what `color_match` and `color_strength` resolve to, and what the
    /// correction aims at.
    public struct ColourSummary: Sendable, Codable, Equatable {
        /// `off`, `anchor` or `previous`.
        public var mode: String
        /// The strength, 0...1 (absent when off).
        public var strength: Double?
        /// The shot whose picture is the aim; absent when off, or for the chain's first video shot (its own first
        /// frame).
        public var reference: String?
        /// `first` (the reference's first frame) or `last` (the picture it hands on); absent when off.
        public var referenceFrame: String?

        enum CodingKeys: String, CodingKey {
            case mode, strength, reference
            case referenceFrame = "reference_frame"
        }

        init(_ plan: ColourPlan) {
            mode = plan.mode.rawValue
            let on = plan.mode != .off
            strength = on ? plan.strength : nil
            reference = on ? plan.reference : nil
            referenceFrame = on ? (plan.referenceFirstFrame ? "first" : "last") : nil
        }
    }

    /// The storyboard path.
    public var storyboard: String
    /// The shots, in order.
    public var shots: [ShotSummary]
    /// Total estimated cost in US dollars.
    public var estimatedUSD: Double
    /// Estimated wall time in seconds.
    public var estimatedSeconds: Double
    /// The concurrency the time assumes.
    public var concurrency: Int
    /// The seam policy.
    public var seam: String
    /// The output file name.
    public var output: String

    enum CodingKeys: String, CodingKey {
        case storyboard, shots, concurrency, seam, output
        case estimatedUSD = "estimated_usd"
        case estimatedSeconds = "estimated_seconds"
    }
}
