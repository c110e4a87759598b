import Foundation

/// One `LabTransfer` prepared for pictures of one `PictureEncoding`: the CIELAB colour of every node of a
/// `ColourLUT` grid, before and after the full correction, computed once (as CIELAB's f values), so that the
/// table for any point of the ramp costs only the way back (no cube root or division, a power only far outside
/// the gamut).
///
/// One ramp serves every frame of a segment, from any thread (`shared(_:encoding:)` gives the GOP jobs of a
/// segment the same one); its exact tables at the ramp's steps are built once, on first use, and kept.
final class ColourRamp: @unchecked Sendable {
    let transfer: LabTransfer
    let encoding: PictureEncoding
    private let lock = NSLock()
    /// The exact tables built so far, by step (guarded by `lock`).
    private var exactTables: [Int: ColourLUT] = [:]
    /// Per node (`ColourLUT` order), CIELAB's f(X/Xn), f(Y/Yn), f(Z/Zn) uncorrected (linear in L, a, b, so the
    /// ramp's straight line in Lab is one here too, and the way back needs no division).
    private let before: [Double]
    /// Per node, the full correction minus `before`.
    private let change: [Double]

    init(_ transfer: LabTransfer, encoding: PictureEncoding) {
        self.transfer = transfer
        self.encoding = encoding
        let n = ColourLUT.nodes
        var before = [Double](repeating: 0, count: n * n * n * 3)
        var change = before
        var i = 0
        for c0 in 0..<n {
            for c1 in 0..<n {
                for c2 in 0..<n {
                    let (r, g, b) = encoding.rgb(
                        Double(c0 * ColourLUT.step), Double(c1 * ColourLUT.step), Double(c2 * ColourLUT.step))
                    let lab = Self.lab(red: r, green: g, blue: b)
                    let (from, to) = (Self.f(lab), Self.f(transfer.apply(lab, progress: 1)))
                    (before[i], before[i + 1], before[i + 2]) = from
                    (change[i], change[i + 1], change[i + 2]) = (to.0 - from.0, to.1 - from.1, to.2 - from.2)
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

    /// The table mapping codes to codes at `progress` (clipped to 0...1) of the correction, its nodes computed
    /// on up to 4 threads at once (the GOP jobs that need it wait for it).
    func table(progress: Double) -> ColourLUT {
        let p = min(1, progress)
        let count = before.count / 3
        var values = [SIMD4<Int16>](repeating: .zero, count: count)
        let parts = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
        values.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                fill(out, nodes: count * k / parts..<count * (k + 1) / parts, progress: p)
            }
        }
        return ColourLUT(values: ColourLUT.withLumaSlopes(values))
    }

    /// The nodes `range` of the table at progress `p` (disjoint ranges may be filled at the same time).
    private func fill(_ out: UnsafeMutableBufferPointer<SIMD4<Int16>>, nodes range: Range<Int>, progress p: Double) {
        let toLinear = Self.linearFromF
        let toCodes = encoding.codeTransform
        before.withUnsafeBufferPointer { before in
            change.withUnsafeBufferPointer { change in
                Self.encodingCurve.withUnsafeBufferPointer { curve in
                    for n in range {
                        let i = 3 * n
                        let (r, g, b) = toLinear(
                            Lab.inverseF(before[i] + p * change[i]), Lab.inverseF(before[i + 1] + p * change[i + 1]),
                            Lab.inverseF(before[i + 2] + p * change[i + 2]))
                        let (c0, c1, c2) = toCodes(Self.encoded(r, curve), Self.encoded(g, curve), Self.encoded(b, curve))
                        out[n] = SIMD4(ColourLUT.fixed(c0), ColourLUT.fixed(c1), ColourLUT.fixed(c2), 0)
                    }
                }
            }
        }
    }
}
