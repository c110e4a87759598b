/// A colour correction in CIELAB: the affine map `lab' = matrix * lab + offset` (matrix row-major, 3x3), applied
/// in part along a ramp: at `progress` p the colour moves from `lab` (p = 0, no change) to the full map (p = 1).
///
/// `estimate(from:to:strength:method:)` makes one from two pictures' `LabStatistics`. Its default is the
/// Monge-Kantorovich linear map on the 3x3 covariance rather than each channel's mean and spread: the drift of
/// chained generations is not only per channel. A saturation change is a joint scale of a and b, which per-channel
/// matching handles as well, but a hue rotation or a cast that follows lightness moves colour across channels
/// (covariance between L, a and b), which only the full map undoes; on a diagonal covariance the two maps are the
/// same. A flat picture (a covariance eigenvalue under 0.25) falls back to the per-channel map.
///
/// JSON keys: `matrix` (9 values), `offset` (3 values).
public struct LabTransfer: Sendable, Equatable, Codable {
    /// Row-major 3x3 matrix acting on (L, a, b).
    public var matrix: [Double]
    /// Added after the matrix, (L, a, b).
    public var offset: [Double]

    /// A map from its parts; a matrix or offset of the wrong size is taken as the identity's.
    public init(matrix: [Double], offset: [Double]) {
        self.matrix = matrix.count == 9 ? matrix : Self.identity.matrix
        self.offset = offset.count == 3 ? offset : Self.identity.offset
    }

    /// No change.
    public static let identity = LabTransfer(unchecked: [1, 0, 0, 0, 1, 0, 0, 0, 1], offset: [0, 0, 0])

    private init(unchecked matrix: [Double], offset: [Double]) {
        self.matrix = matrix
        self.offset = offset
    }

    /// True when the map changes nothing.
    public var isIdentity: Bool { self == Self.identity }

    /// `lab` moved `progress` (clipped to 0...1) of the way to its full correction.
    public func apply(_ lab: Lab, progress: Double = 1) -> Lab {
        guard matrix.count == 9, offset.count == 3 else { return lab }
        let p = min(1, max(0, progress.isNaN ? 0 : progress))
        let m = matrix
        let l = m[0] * lab.l + m[1] * lab.a + m[2] * lab.b + offset[0]
        let a = m[3] * lab.l + m[4] * lab.a + m[5] * lab.b + offset[1]
        let b = m[6] * lab.l + m[7] * lab.a + m[8] * lab.b + offset[2]
        return Lab(l: lab.l + p * (l - lab.l), a: lab.a + p * (a - lab.a), b: lab.b + p * (b - lab.b))
    }
}
