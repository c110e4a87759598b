extension LabTransfer {
    /// The correction that moves colours with `source`'s statistics to `reference`'s: each channel's mean and
    /// spread matched (a spread under 0.5 on either side keeps its scale 1), then scaled by `strength` (0: no
    /// change, 1: full; clipped to 0...1).
    public static func estimate(from source: LabStatistics, to reference: LabStatistics, strength: Double = 1) -> LabTransfer {
        let s = min(1, max(0, strength.isNaN ? 0 : strength))
        func scale(_ from: Double, _ to: Double) -> Double { from < 0.5 || to < 0.5 ? 1 : to / from }
        let k = [scale(source.spread.l, reference.spread.l), scale(source.spread.a, reference.spread.a), scale(source.spread.b, reference.spread.b)]
        let ms = [source.mean.l, source.mean.a, source.mean.b]
        let mr = [reference.mean.l, reference.mean.a, reference.mean.b]
        var matrix = [Double](repeating: 0, count: 9)
        var offset = [0.0, 0, 0]
        for c in 0..<3 {
            let gain = 1 + s * (k[c] - 1)
            matrix[c * 4] = gain
            // lab' = lab + s * (k (lab - ms) + mr - lab)
            offset[c] = s * (mr[c] - k[c] * ms[c])
        }
        return LabTransfer(matrix: matrix, offset: offset)
    }
}
