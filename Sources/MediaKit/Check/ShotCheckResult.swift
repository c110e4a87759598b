/// What `ShotCheck.check` found out about one downloaded shot.
public struct ShotCheckResult: Sendable {
    /// The probe, as `MediaProbe.probe` gives it.
    public var info: MediaInfo
    /// The checks, as `Verifier.verify(path, request)` gives them (a failed check is reported here, not thrown).
    public var verification: VerificationReport
    /// The first displayed frame, as `FrameExtractor.extract(from:_:)` gives it for `.first`: upright, display size.
    public var firstFrame: PixelImage
    /// The last displayed frame, as `FrameExtractor` gives it for `.last`; the picture itself for an image file.
    public var lastFrame: PixelImage
    /// One entry per displayed frame, in display order; empty for an image, or for a pixel format the grid sampler
    /// does not read (big-endian, paletted, bit-packed or hardware formats).
    public var frames: [FrameStatistics]
    /// The colour of the first, middle and last displayed frames (nil for an image).
    public var colour: ShotColour?
    /// Frozen spans, black spans and hard cuts found in the frame statistics (empty for an image).
    public var findings: [ShotFinding]
    /// Frames held at the head and at the tail of the shot.
    public var held: HeldFrames

    /// Creates a value (normally made by `ShotCheck.check`).
    public init(
        info: MediaInfo, verification: VerificationReport, firstFrame: PixelImage, lastFrame: PixelImage, frames: [FrameStatistics],
        colour: ShotColour? = nil, findings: [ShotFinding] = [], held: HeldFrames = HeldFrames()
    ) {
        self.info = info
        self.verification = verification
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.frames = frames
        self.colour = colour
        self.findings = findings
        self.held = held
    }
}
