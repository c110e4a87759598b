extension LabTransfer {
    /// How a transfer is estimated from two sets of Lab statistics.
    public enum Method: String, Sendable, Equatable, Codable, CaseIterable {
        /// Each channel's mean and spread matched alone (Reinhard's transfer in Lab): a diagonal map.
        case meanSpread = "mean_spread"
        /// The Monge-Kantorovich linear map on the 3x3 covariance (KJNodes' ColorMatch `mkl`): the map that moves
        /// a Gaussian with the source's mean and covariance onto the reference's with the least displacement.
        case mongeKantorovich = "mkl"
    }

    /// A covariance eigenvalue under this (a spread under 0.5 in some direction) makes the Monge-Kantorovich map
    /// ill-conditioned: a flat picture; the mean/spread map is used instead.
    static let leastVariance = 0.25

    /// The correction that moves colours with `source`'s statistics to `reference`'s, scaled by `strength` (0: no
    /// change, 1: full; clipped to 0...1) toward the identity: `lab' = lab + strength (map(lab) - lab)`.
    ///
    /// - `.mongeKantorovich` (the default): `map(x) = A (x - mean_s) + mean_r` with
    ///   `A = S^-1/2 (S^1/2 R S^1/2)^1/2 S^-1/2` (S, R the source and reference covariances; symmetric square roots
    ///   by Jacobi eigen-decomposition), so that the mapped covariance is R. When a covariance is not 9 finite
    ///   values, or has an eigenvalue under 0.25 (a flat picture), or the map is not finite, the mean/spread map
    ///   is used instead.
    /// - `.meanSpread`: each channel's mean and spread matched (a spread under 0.5 on either side keeps its scale 1).
    ///
    /// The result is always finite: statistics that are not finite (or a map that overflows) give the identity.
    public static func estimate(
        from source: LabStatistics, to reference: LabStatistics, strength: Double = 1, method: Method = .mongeKantorovich
    ) -> LabTransfer {
        let s = min(1, max(0, strength.isNaN ? 0 : strength))
        let ms = [source.mean.l, source.mean.a, source.mean.b]
        let mr = [reference.mean.l, reference.mean.a, reference.mean.b]
        guard (ms + mr).allSatisfy(\.isFinite) else { return .identity }
        let map = (method == .mongeKantorovich ? mongeKantorovich(source.covariance, reference.covariance) : nil) ?? meanSpread(source, reference)
        var matrix = [Double](repeating: 0, count: 9)
        var offset = [0.0, 0, 0]
        for r in 0..<3 {
            for c in 0..<3 { matrix[r * 3 + c] = (r == c ? 1 - s : 0) + s * map[r * 3 + c] }
            // lab' = lab + s (A (lab - ms) + mr - lab)
            offset[r] = s * (mr[r] - (map[r * 3] * ms[0] + map[r * 3 + 1] * ms[1] + map[r * 3 + 2] * ms[2]))
        }
        // Equal statistics give the identity up to rounding: exactly the identity then, so nothing is re-encoded.
        let nearIdentity = zip(matrix, identity.matrix).allSatisfy { abs($0 - $1) < 1e-9 } && offset.allSatisfy { abs($0) < 1e-9 }
        let finite = (matrix + offset).allSatisfy(\.isFinite)
        return nearIdentity || !finite ? .identity : LabTransfer(matrix: matrix, offset: offset)
    }

    /// The diagonal matrix of the per-channel spread ratios (1 where a spread is under 0.5 or not finite).
    static func meanSpread(_ source: LabStatistics, _ reference: LabStatistics) -> [Double] {
        func scale(_ from: Double, _ to: Double) -> Double { from >= 0.5 && to >= 0.5 && from.isFinite && to.isFinite ? to / from : 1 }
        return [
            scale(source.spread.l, reference.spread.l), 0, 0,
            0, scale(source.spread.a, reference.spread.a), 0,
            0, 0, scale(source.spread.b, reference.spread.b),
        ]
    }

    /// `S^-1/2 (S^1/2 R S^1/2)^1/2 S^-1/2`, or nil when either covariance is unusable (see `estimate`).
    static func mongeKantorovich(_ sourceCovariance: [Double], _ referenceCovariance: [Double]) -> [Double]? {
        guard let source = SymmetricMatrix3(sourceCovariance), let reference = SymmetricMatrix3(referenceCovariance),
            source.smallestEigenvalue >= leastVariance, reference.smallestEigenvalue >= leastVariance
        else { return nil }
        let root = source.applying { $0.squareRoot() }.m
        let inverseRoot = source.applying { 1 / $0.squareRoot() }.m
        guard let middle = SymmetricMatrix3(SymmetricMatrix3.product(SymmetricMatrix3.product(root, reference.m), root)) else { return nil }
        let middleRoot = middle.applying { max(0, $0).squareRoot() }.m
        let map = SymmetricMatrix3.product(SymmetricMatrix3.product(inverseRoot, middleRoot), inverseRoot)
        return map.allSatisfy(\.isFinite) ? map : nil
    }
}
