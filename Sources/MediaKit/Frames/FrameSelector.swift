/// Which displayed frame of a video to take.
///
/// Frames are counted in presentation order, as a player shows them: edit lists are honoured
/// (hidden samples do not count) and B-frame reordering is undone. Frame 0 is the first
/// displayed frame of the video stream.
public enum FrameSelector: Sendable, Hashable {
    /// The first displayed frame.
    case first
    /// The last displayed frame (the one with the greatest presentation time).
    case last
    /// The displayed frame with this zero-based index.
    case index(Int)
    /// The frame on screen at this many seconds after the first displayed frame:
    /// the last frame whose presentation time is at or before `start + seconds`.
    case time(Double)
}

/// Settings for frame extraction.
public struct FrameOptions: Sendable, Hashable {
    /// Decoding is refused (before any picture is allocated) when width x height exceeds this.
    public var pixelLimit: Int
    /// Encoder quality 1...100 for JPEG and WebP output (nil: the writer's default).
    public var quality: Int?

    /// Creates options.
    /// - Parameters:
    ///   - pixelLimit: the largest picture (width x height) that will be decoded; default 100 megapixels.
    ///   - quality: JPEG/WebP quality 1...100, nil for the default.
    public init(pixelLimit: Int = 100_000_000, quality: Int? = nil) {
        self.pixelLimit = pixelLimit
        self.quality = quality
    }
}
