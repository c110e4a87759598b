import Foundation

/// Defects the simulator adds to the videos it renders, the ones people chaining generated shots meet, so that
/// a chain's colour matching, seam trimming and checks can be tested.
///
/// In a rendered video of `n` frames with a hold of `K`: frames 1...K repeat frame 0 exactly, the motion runs over the
/// frames after them, and the drift grows with the motion, from none at frame 0 to full at frame `n - 1`. The drift is
/// an approximation of CIELAB made with integer RGB arithmetic and a 256-entry tone curve (see `ColourDrift`).
public struct SimulatorDefects: Sendable, Equatable {
    /// Colour drift reached at a video's last frame, ramped from none at its first: the start image comes back
    /// changed, and as each shot starts from the previous one's last frame the drift compounds over a chain.
    /// `brightness` is added to L* (in L* units, negative: darker), `saturation` and `contrast` are relative
    /// changes (0.05: 5% more chroma, 5% more spread of L* around its mean).
    public var brightness: Double = 0
    /// Relative chroma change at the last frame (0.05 = 5% more saturated).
    public var saturation: Double = 0
    /// Relative contrast change at the last frame.
    public var contrast: Double = 0
    /// Frames after the first that repeat it before the motion starts (a video with a start image holds it).
    public var holdFrames: Int = 0
    /// Faults added to the videos whose prompt contains a given text.
    public var faults: [VideoFault] = []

    /// No defects.
    public init() {}

    /// Defects from their parts.
    public init(brightness: Double = 0, saturation: Double = 0, contrast: Double = 0, holdFrames: Int = 0, faults: [VideoFault] = []) {
        self.brightness = brightness
        self.saturation = saturation
        self.contrast = contrast
        self.holdFrames = holdFrames
        self.faults = faults
    }

    /// The defects of the command-line options: `drift` as `BRIGHTNESS,SATURATION,CONTRAST` (for example
    /// `-4,0.08,0.06`; nil or `0` for none), `hold` frames, and each of `faults` as `KIND:START:SECONDS:PROMPT-TEXT`.
    /// - Throws: ``SimulatorError/invalidConfiguration(_:)`` naming the option and the bad value.
    public init(drift: String?, hold: Int, faults: [String]) throws(SimulatorError) {
        if let drift, drift.trimmingCharacters(in: .whitespaces) != "0" {
            let parts = drift.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let b = parts[0], let s = parts[1], let c = parts[2] else {
                throw .invalidConfiguration("--drift: '\(drift)' is not BRIGHTNESS,SATURATION,CONTRAST (three numbers, e.g. -4,0.08,0.06)")
            }
            (brightness, saturation, contrast) = (b, s, c)
        }
        holdFrames = hold
        var parsed: [VideoFault] = []
        for text in faults { parsed.append(try VideoFault(parsing: text)) }
        self.faults = parsed
        try validate()
    }

    /// True when nothing is put into the videos.
    public var isNone: Bool { self == SimulatorDefects() }

    /// The faults that apply to a job with `prompt`.
    public func faults(forPrompt prompt: String) -> [VideoFault] {
        faults.filter { prompt.contains($0.prompt) }
    }

    /// Checks every value, throwing ``SimulatorError/invalidConfiguration(_:)`` naming the option.
    public func validate() throws(SimulatorError) {
        guard brightness.isFinite && abs(brightness) <= 50 else {
            throw .invalidConfiguration("--drift: brightness \(brightness) must be between -50 and 50 L* units")
        }
        for (name, value) in [("saturation", saturation), ("contrast", contrast)] {
            guard value.isFinite && value >= -0.9 && value <= 2 else {
                throw .invalidConfiguration("--drift: \(name) \(value) must be a relative change between -0.9 and 2")
            }
        }
        guard holdFrames >= 0 && holdFrames <= 240 else { throw .invalidConfiguration("--hold \(holdFrames) must be 0 to 240 frames") }
        for fault in faults { try fault.validate() }
    }
}
