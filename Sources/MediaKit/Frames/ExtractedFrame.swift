/// A decoded frame, upright and at display size, with where it came from.
///
/// The facts besides the picture are those `shotchain frame --json` prints (`details`); they read as properties of
/// the frame itself (`frame.pts`, `frame.index`, `frame.time`, ...).
@dynamicMemberLookup
public struct ExtractedFrame: Sendable {
    /// The picture as a player displays it: rotation applied, non-square pixels scaled, 8-bit RGB(A).
    public var image: PixelImage
    /// Where the frame came from: source file, index, timestamps, coded size, pixel format, rotation, work done
    /// (`output` is nil; the size is the image's).
    public var details: FrameReport

    /// One fact of `details`, read as a property of the frame.
    public subscript<Value>(dynamicMember keyPath: KeyPath<FrameReport, Value>) -> Value { details[keyPath: keyPath] }

    /// The JSON-ready summary printed by `shotchain frame --json`.
    /// - Parameter output: the image file the frame was written to, if any.
    public func report(output: String?) -> FrameReport {
        var report = details
        report.output = output
        return report
    }
}
