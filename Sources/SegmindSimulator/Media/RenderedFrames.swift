import MediaKit

/// The frames of one rendered video, defects included: the motion of ``MediaRenderer/frame(_:index:count:end:)``
/// laid out by a ``DefectTimeline``, with the colour drift ramped over it.
struct RenderedFrames: Sendable {
    /// The start image fitted to the output size.
    let base: PixelImage
    /// The end image fitted to the output size, if any.
    let end: PixelImage?
    /// Which frame shows what.
    let timeline: DefectTimeline
    /// The drift, nil for none.
    let drift: ColourDrift?
    /// The picture a cut jumps to.
    let unrelated: PixelImage

    /// The frames of a `count`-frame video from `base` (and `end`) with `defects` for a job whose prompt is `prompt`.
    init(base: PixelImage, end: PixelImage?, count: Int, defects: SimulatorDefects, prompt: String) {
        self.base = base
        self.end = end
        timeline = DefectTimeline(count: count, defects: defects, prompt: prompt)
        drift = ColourDrift(defects, start: base)
        unrelated = timeline.faults.contains { $0.kind == .cut } ? Self.unrelated(width: base.width, height: base.height) : base
    }

    /// Frame `index` (0 ..< count).
    func frame(_ index: Int) -> PixelImage {
        guard case .motion(let step, let cut) = timeline.source(index) else {
            return PixelImage(width: base.width, height: base.height, red: 0, green: 0, blue: 0)
        }
        let picture = MediaRenderer.frame(cut ? unrelated : base, index: step, count: timeline.steps, end: end)
        guard let drift else { return picture }
        return drift.apply(to: picture, progress: timeline.progress(step))
    }

    /// A picture unlike any start image: large blue and orange squares with a light diagonal band.
    static func unrelated(width: Int, height: Int) -> PixelImage {
        var image = PixelImage(width: width, height: height, red: 0, green: 0, blue: 0)
        let cell = max(2, min(width, height) / 4)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let band = abs(x - y) < cell / 3
                let odd = (x / cell + y / cell) % 2 == 1
                let colour: (UInt8, UInt8, UInt8) = band ? (235, 235, 220) : (odd ? (230, 120, 20) : (20, 60, 200))
                (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = colour
            }
        }
        return image
    }
}
