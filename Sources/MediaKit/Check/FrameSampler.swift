import CFFmpeg

/// Measures `FrameStatistics` of decoded frames on a sparse grid of their planes, read in place (no conversion,
/// no copy): about `targetPoints` points per frame, whatever the picture size. Not `Sendable`.
final class FrameSampler {
    /// How many grid points a frame is sampled at, about.
    static let targetPoints = 4096

    /// The luma code values of the previous frame's grid points (empty before the first frame).
    private var previous: [Int32] = []
    private var current: [Int32] = []
    /// Converts each point with `Lab(red:green:blue:)` (`pow`, `cbrt`) instead of the tables: the reference the
    /// tables are tested against, not for use in the pass.
    private let exactLab: Bool

    /// A sampler; `exactLab` for the exact (slow) conversion of each point to Lab.
    init(exactLab: Bool = false) { self.exactLab = exactLab }

    /// The statistics of `frame`, shown at `seconds`; nil when its pixel format is not one the sampler reads
    /// (big-endian, paletted, bit-packed, floating-point, hardware, or under 8 or over 16 bits a sample) or it has
    /// no picture.
    func statistics(of frame: Frame, seconds: Double) -> FrameStatistics? {
        guard let grid = FrameGrid(frame, points: Self.targetPoints) else { return nil }
        let (isRGB, depth, top, fullRange) = (grid.isRGB, grid.depth, grid.top, grid.fullRange)
        // blackdetect's pixel_black_th = 0.10 of the luma range: 16 + 0.10 x 219 at 8 bits in limited range,
        // 0.10 x 255 in full range (and for RGB), scaled for deeper samples; a point at or under it is dark.
        let scale = Double(1 << (depth - 8))
        let darkCode = Int32((fullRange ? 0.10 * top : (16 + 0.10 * 219) * scale).rounded(.down))
        let points = grid.points
        let comparable = previous.count == points
        if current.count != points { current = [Int32](repeating: 0, count: points) }
        let lookup = LabLookup.shared
        var sums: (Int, Int, Int) = (0, 0, 0)
        var labSums: (Double, Double, Double) = (0, 0, 0)
        var difference = 0
        var dark = 0
        current.withUnsafeMutableBufferPointer { now in
            previous.withUnsafeBufferPointer { before in
                var n = 0
                for row in 0..<grid.rows {
                    for column in 0..<grid.columns {
                        let (a, b, c) = grid.codes(column: column, row: row)
                        sums.0 &+= Int(a)
                        sums.1 &+= Int(b)
                        sums.2 &+= Int(c)
                        // For RGB the luma is BT.601's weighted sum, in code values (77 + 150 + 29 = 256).
                        let luma = isRGB ? (77 &* a &+ 150 &* b &+ 29 &* c) >> 8 : a
                        if comparable { difference &+= Int(abs(luma &- before[n])) }
                        if luma <= darkCode { dark &+= 1 }
                        now[n] = luma
                        n += 1
                        let rgb = grid.rgb(a, b, c)
                        let lab = exactLab ? Lab(red: rgb.0, green: rgb.1, blue: rgb.2).tuple : lookup.lab(red: rgb.0, green: rgb.1, blue: rgb.2)
                        labSums = (labSums.0 + lab.l, labSums.1 + lab.a, labSums.2 + lab.b)
                    }
                }
            }
        }
        let count = Double(max(points, 1))
        let means = (Double(sums.0) / count, Double(sums.1) / count, Double(sums.2) / count)
        let lumaDifference = comparable ? Double(difference) / count / top : 0
        let lab = Lab(l: labSums.0 / count, a: labSums.1 / count, b: labSums.2 / count)
        let darkFraction = Double(dark) / count
        swap(&previous, &current)

        let display: (Double, Double, Double)
        let meanLuma: Double
        if isRGB {
            display = (means.0 / top, means.1 / top, means.2 / top)
            meanLuma = 0.299 * display.0 + 0.587 * display.1 + 0.114 * display.2
        } else {
            let mid = Double(1 << (depth - 1))
            let colour = grid.hasChroma ? (means.1, means.2) : (mid, mid)
            let (r, g, b) = grid.matrix.rgb(y: means.0, cb: colour.0, cr: colour.1)
            display = (Self.clip(r), Self.clip(g), Self.clip(b))
            meanLuma = means.0 / top
        }
        return FrameStatistics(
            seconds: seconds, meanLuma: meanLuma, meanRed: display.0, meanGreen: display.1, meanBlue: display.2,
            lumaDifference: lumaDifference, lab: lab, darkFraction: darkFraction)
    }

    static func clip(_ v: Double) -> Double { min(1, max(0, v)) }
}

/// Where one colour component of a decoded picture lives: its plane, the byte step between pixels, the offset in
/// a pixel, the bit shift and mask, and the chroma subsampling of its plane.
struct ComponentReader {
    let base: UnsafeMutablePointer<UInt8>
    let stride: Int
    let step: Int
    let offset: Int
    let shift: Int32
    let mask: Int32
    /// Two bytes per sample (little-endian: big-endian formats are not read).
    let wide: Bool
    let xShift: Int
    let yShift: Int

    /// The component's code value at luma position (x, y), which must lie inside the picture.
    @inline(__always)
    func sample(x: Int, y: Int) -> Int32 {
        let p = UnsafeRawPointer(base + (y >> yShift) * stride + (x >> xShift) * step + offset)
        let raw = wide ? Int32(p.loadUnaligned(as: UInt16.self)) : Int32(p.load(as: UInt8.self))
        return (raw >> shift) & mask
    }
}
