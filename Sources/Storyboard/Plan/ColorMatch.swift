/// How a video shot's colour is matched (`color_match` in a storyboard): not at all, to the chain's anchor (its
/// first video shot's first frame), or to the picture the previous video shot handed on.
public enum ColorMatch: String, Sendable, Equatable, Codable, CaseIterable {
    /// The shot keeps its colours as generated.
    case off
    /// The shot's last frame is matched to the anchor's first frame.
    case anchor
    /// The shot's last frame is matched to the previous video shot's handed-on (corrected) last frame.
    case previous
}
