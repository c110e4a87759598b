/// One `LabTransfer` applied to the decoded frames of one segment in place: the `ColourRamp` is prepared for
/// the frames' encoding (matrix and range) on first use and again only if that changes.
final class FrameColourCorrector {
    let transfer: LabTransfer
    private var ramp: ColourRamp?

    init(_ transfer: LabTransfer) {
        self.transfer = transfer
    }

    /// Corrects `frame` at `progress` of the ramp, in `region` (nil: all of it), reading its Y'CbCr as
    /// `encoding` (nil: from the frame's own tags).
    /// - Throws: `MediaError.encodeFailed` naming `path` for a pixel format that cannot be corrected.
    func apply(
        to frame: Frame, progress: Double, region: (x: Int, y: Int, width: Int, height: Int)? = nil, encoding: PictureEncoding? = nil,
        path: String
    ) throws {
        guard !transfer.isIdentity, progress > 0 else { return }
        let wanted = encoding ?? PictureEncoding(frame: frame)
        let ramp = self.ramp.flatMap { $0.encoding == wanted ? $0 : nil } ?? ColourRamp(transfer, encoding: wanted)
        self.ramp = ramp
        try ramp.apply(to: frame, progress: progress, region: region, path: path)
    }
}
