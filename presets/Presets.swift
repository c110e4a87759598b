import Foundation

/// The resources shipped with shotchain (model catalog, encode presets, storyboards).
public enum Presets {
    /// The folder holding `models/`, `encode/` and `storyboards/` inside the built tool.
    public static var directory: URL {
        Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }
}
