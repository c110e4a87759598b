/// Gamma-encoded sRGB to CIELAB without `pow` or `cbrt`: the sRGB linearisation and the Lab `f` function read
/// from tables and interpolated linearly, for measuring thousands of points per frame.
///
/// The tables have 1024 (linearisation) and 4096 (`f`) intervals over 0...1: the interpolation error is under
/// 0.01 in L, a and b for any colour (`LabTransferTests` compares a colour grid with `Lab(red:green:blue:)`).
/// Immutable once made.
final class LabLookup: @unchecked Sendable {
    /// The tables, made once.
    static let shared = LabLookup()

    private static let linearSteps = 1024
    private static let fSteps = 4096
    /// `Lab.linear` at i / linearSteps, with one entry past the end so that interpolating at 1 stays in the table.
    private let linear: UnsafeMutableBufferPointer<Double>
    /// `Lab.f` at i / fSteps, likewise.
    private let f: UnsafeMutableBufferPointer<Double>

    private init() {
        linear = .allocate(capacity: Self.linearSteps + 2)
        f = .allocate(capacity: Self.fSteps + 2)
        for i in linear.indices { linear[i] = Lab.linear(Double(i) / Double(Self.linearSteps)) }
        for i in f.indices { f[i] = Lab.f(Double(i) / Double(Self.fSteps)) }
    }

    deinit {
        linear.deallocate()
        f.deallocate()
    }

    /// The colour of gamma-encoded sRGB components (clipped to 0...1, NaN read as 0), as `Lab(red:green:blue:)`
    /// gives it to within 0.01.
    @inline(__always)
    func lab(red: Double, green: Double, blue: Double) -> (l: Double, a: Double, b: Double) {
        let r = Self.interpolate(linear, red, Self.linearSteps)
        let g = Self.interpolate(linear, green, Self.linearSteps)
        let bl = Self.interpolate(linear, blue, Self.linearSteps)
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
        let fx = Self.interpolate(f, x, Self.fSteps)
        let fy = Self.interpolate(f, y, Self.fSteps)
        let fz = Self.interpolate(f, z, Self.fSteps)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// The table's value at `v` (clipped to 0...1; NaN read as 0), linearly interpolated between its two nearest entries.
    @inline(__always)
    private static func interpolate(_ table: UnsafeMutableBufferPointer<Double>, _ v: Double, _ steps: Int) -> Double {
        let clipped = v > 0 ? (v < 1 ? v : 1) : 0
        let position = clipped * Double(steps)
        let i = Int(position)
        let fraction = position - Double(i)
        return table[i] + fraction * (table[i + 1] - table[i])
    }
}

extension Lab {
    /// The three coordinates, as `LabLookup.lab` gives them.
    var tuple: (l: Double, a: Double, b: Double) { (l, a, b) }
}
