import Foundation

/// One `LabTransfer` prepared for pictures of one `PictureEncoding`: the CIELAB colour of every node of a
/// `ColourLUT` grid, before and after the full correction, computed once, so that the table for any point of
/// the ramp costs only the way back from Lab (no cube roots).
///
/// One ramp serves every frame of a segment, from any thread (`shared(_:encoding:)` gives the GOP jobs of a
/// segment the same one); its exact tables at the ramp's steps are built once, on first use, and kept.
final class ColourRamp: @unchecked Sendable {
    let transfer: LabTransfer
    let encoding: PictureEncoding
    private let lock = NSLock()
    /// The exact tables built so far, by step (guarded by `lock`).
    private var exactTables: [Int: ColourLUT] = [:]
    /// Per node (`ColourLUT` order), L, a, b uncorrected.
    private let before: [Float]
    /// Per node, the full correction minus `before`.
    private let change: [Float]

    init(_ transfer: LabTransfer, encoding: PictureEncoding) {
        self.transfer = transfer
        self.encoding = encoding
        let n = ColourLUT.nodes
        var before = [Float](repeating: 0, count: n * n * n * 3)
        var change = before
        var i = 0
        for c0 in 0..<n {
            for c1 in 0..<n {
                for c2 in 0..<n {
                    let (r, g, b) = encoding.rgb(
                        Double(c0 * ColourLUT.step), Double(c1 * ColourLUT.step), Double(c2 * ColourLUT.step))
                    let lab = Self.lab(red: r, green: g, blue: b)
                    let full = transfer.apply(lab, progress: 1)
                    (before[i], before[i + 1], before[i + 2]) = (Float(lab.l), Float(lab.a), Float(lab.b))
                    (change[i], change[i + 1], change[i + 2]) = (Float(full.l - lab.l), Float(full.a - lab.a), Float(full.b - lab.b))
                    i += 3
                }
            }
        }
        self.before = before
        self.change = change
    }

    /// The exact table at progress `step / steps`, built on the first call for it (one thread builds it, the
    /// others wait for it).
    func table(step: Int, of steps: Int) -> ColourLUT {
        lock.withLock {
            if let t = exactTables[step] { return t }
            let t = table(progress: Double(step) / Double(max(1, steps)))
            exactTables[step] = t
            return t
        }
    }

    /// The table mapping codes to codes at `progress` (clipped to 0...1) of the correction.
    func table(progress: Double) -> ColourLUT {
        let p = min(1, progress)
        var values = [SIMD4<Int16>](repeating: .zero, count: before.count / 3)
        Self.encodingCurve.withUnsafeBufferPointer { curve in
            for n in values.indices {
                let i = 3 * n
                let lab = Lab(
                    l: Double(before[i]) + p * Double(change[i]), a: Double(before[i + 1]) + p * Double(change[i + 1]),
                    b: Double(before[i + 2]) + p * Double(change[i + 2]))
                let rgb = Self.rgb(lab, curve: curve)
                let (c0, c1, c2) = encoding.codes(rgb.0, rgb.1, rgb.2)
                values[n] = SIMD4(ColourLUT.fixed(c0), ColourLUT.fixed(c1), ColourLUT.fixed(c2), 0)
            }
        }
        return ColourLUT(values: values)
    }
}
