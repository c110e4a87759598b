/// The colour of one picture (or a set of pixels) in CIELAB: the mean and spread (standard deviation) of each
/// channel and their 3x3 covariance (row-major, L a b order), as a colour transfer needs them.
///
/// JSON keys: `mean`, `spread`, `covariance`.
public struct LabStatistics: Sendable, Equatable, Codable {
    /// The mean colour.
    public var mean: Lab
    /// The standard deviation of each channel.
    public var spread: Lab
    /// The covariance matrix of (L, a, b), row-major, 9 values.
    public var covariance: [Double]

    /// Statistics from their parts (`covariance` row-major, 9 values).
    public init(mean: Lab, spread: Lab, covariance: [Double]) {
        (self.mean, self.spread, self.covariance) = (mean, spread, covariance)
    }
}
