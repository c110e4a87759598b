/// How one planned video shot's colour is matched: the mode and strength in effect (its own, else the storyboard's)
/// and the shot whose picture the correction aims at.
///
/// The anchor is the chain's first video shot (its first frame). A shot given an end image is not matched (its last
/// frame is the user's picture, on purpose in other colours) and anchors the shots after it to its last frame.
///
/// The correction changes the picture the shot hands on (its corrected last frame becomes the next shot's start
/// image), not its generation. So `color_match` and `color_strength` stay out of the shot's own fingerprint (editing
/// them re-assembles the shot without paying for it again) and enter, as `handedOn`, the fingerprint of every shot
/// that starts from its picture: that picture's bytes are a pure function of the shot's file and this recipe, so the
/// shots built on it become stale exactly when its bytes would change.
public struct ColourPlan: Sendable, Equatable {
    /// The mode in effect.
    public var mode: ColorMatch
    /// The strength in effect, 0...1.
    public var strength: Double
    /// The shot whose picture the correction aims at: the anchor (`anchor`) or the previous video shot (`previous`);
    /// nil when off, or when the shot is the first video shot (matched to its own first frame).
    public var reference: String?
    /// True when the aim is the reference's first frame (the chain's first video shot as anchor); false when it is
    /// the picture the reference hands on (the previous shot's, or an end-image shot's last frame).
    public var referenceFirstFrame: Bool
    /// What the shot's handed-on picture is made from, as a fingerprint input: nil when it is the raw last frame.
    public var handedOn: String?

    /// No matching.
    public static let off = ColourPlan(mode: .off, strength: 1, reference: nil, referenceFirstFrame: false, handedOn: nil)

    /// The anchor the shots after a video shot are matched to under `anchor`: the first video shot's first frame, or
    /// the last frame of the latest shot given an end image.
    struct Anchor: Equatable {
        /// The shot id.
        var id: String
        /// True for its first frame, false for its (handed-on) last frame.
        var firstFrame: Bool
    }

    /// The plan of `shot` under `defaults`, given the anchor so far (nil for the first video shot) and the previous
    /// video shot with its own plan.
    static func resolve(_ shot: Shot, defaults: StoryboardDefaults, anchor: Anchor?, previous: (id: String, plan: ColourPlan)?) -> ColourPlan {
        let mode = shot.colorMatch ?? defaults.colorMatch
        let strength = shot.colorStrength ?? defaults.colorStrength
        guard shot.endImage == nil else { return .off }
        let me = "\(shot.id):\(mode.rawValue):\(strength)"
        switch mode {
        case .off: return .off
        case .anchor:
            guard let anchor else { return ColourPlan(mode: mode, strength: strength, reference: nil, referenceFirstFrame: true, handedOn: me) }
            let aim = "@\(anchor.id)" + (anchor.firstFrame ? "" : ":last")
            return ColourPlan(mode: mode, strength: strength, reference: anchor.id, referenceFirstFrame: anchor.firstFrame, handedOn: me + aim)
        case .previous:
            guard let previous else { return ColourPlan(mode: mode, strength: strength, reference: nil, referenceFirstFrame: true, handedOn: me) }
            let aim = "<" + (previous.plan.handedOn ?? "\(previous.id):raw")
            return ColourPlan(mode: mode, strength: strength, reference: previous.id, referenceFirstFrame: false, handedOn: me + aim)
        }
    }

    /// The anchor for the shots after video shot `shot`, given the anchor before it.
    static func anchor(after shot: Shot, _ before: Anchor?) -> Anchor {
        if shot.endImage != nil { return Anchor(id: shot.id, firstFrame: false) }
        return before ?? Anchor(id: shot.id, firstFrame: true)
    }
}
