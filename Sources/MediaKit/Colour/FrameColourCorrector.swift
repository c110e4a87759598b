/// One `LabTransfer` applied to the decoded frames of one segment in place: the `ColourRamp` for the frames'
/// encoding (matrix and range), shared with the other correctors of the same transfer and encoding (the other
/// GOP jobs of the segment), is taken on first use and again only if the encoding changes.
///
/// Tables are built exactly at the ramp's sixteenths (progress 0, 1/16, ..., 1) and a frame's table is mixed
/// from the two around its progress: a frame's codes move smoothly with progress, so the mix is within a few
/// hundredths of a code of the exact table, at a fraction of the cost of building one per frame. The exact
/// tables are the ramp's, built once per segment.
final class FrameColourCorrector {
    /// Tables per unit of progress.
    static let steps = 16
    let transfer: LabTransfer
    /// Horizontal bands of a frame mapped on as many threads (1: the calling thread only).
    let bands: Int
    private var ramp: ColourRamp?
    /// The storage the frames' mixed tables are written to, reused frame after frame.
    private var mixed = ColourLUT(values: [])

    /// - Parameter bands: threads mapping a frame together (for a caller whose own thread is the bottleneck).
    init(_ transfer: LabTransfer, bands: Int = 1) {
        self.transfer = transfer
        self.bands = max(1, bands)
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
        if ramp?.encoding != wanted {
            ramp = ColourRamp.shared(transfer, encoding: wanted)
        }
        guard let ramp else { return }
        try ramp.apply(to: frame, table: table(ramp, progress: min(1, progress)), region: region, bands: bands, path: path)
    }

    /// The table at `progress`: the exact one at a sixteenth, else the mix of the two around it.
    private func table(_ ramp: ColourRamp, progress: Double) -> ColourLUT {
        let position = progress * Double(Self.steps)
        let low = Int(position.rounded(.down))
        let weight = Int(((position - Double(low)) * 256).rounded())
        func exact(_ i: Int) -> ColourLUT { ramp.table(step: i, of: Self.steps) }
        if weight == 0 || low >= Self.steps { return exact(min(low, Self.steps)) }
        if weight == 256 { return exact(low + 1) }
        mixed.mix(exact(low), exact(low + 1), weight: weight)
        return mixed
    }
}
