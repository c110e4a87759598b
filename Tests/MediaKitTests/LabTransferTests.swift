import Foundation
import Testing

@testable import MediaKit

@Suite struct LabTransferTests {
    /// A reproducible cloud of Lab colours with correlated channels (a lightness-dependent warm cast), about the
    /// spread of a real picture.
    static func cloud(count: Int = 4000) -> [Lab] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            let l = 20 + 60 * uniform()
            let a = 0.3 * (l - 50) + 30 * (uniform() - 0.5)
            let b = -0.2 * (l - 50) + 0.5 * a + 40 * (uniform() - 0.5)
            return Lab(l: l, a: a, b: b)
        }
    }

    /// The affine map `matrix * lab + offset` applied to every colour.
    static func drift(_ colours: [Lab], matrix m: [Double], offset t: [Double]) -> [Lab] {
        colours.map { LabTransfer(matrix: m, offset: t).apply($0) }
    }

    static func maxDifference(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).map { abs($0 - $1) }.max() ?? .infinity }

    static func vector(_ lab: Lab) -> [Double] { [lab.l, lab.a, lab.b] }

    /// A symmetric positive definite drift (darker, more contrast in a and b, a cross-channel cast) is recovered
    /// exactly by the Monge-Kantorovich map: the estimate from the drifted cloud to the original is the inverse drift.
    @Test func symmetricDriftIsInverted() throws {
        let original = Self.cloud()
        let m = [0.9, 0.05, 0.02, 0.05, 1.2, 0.1, 0.02, 0.1, 1.15]
        let t = [-4.0, 2, -3]
        let drifted = Self.drift(original, matrix: m, offset: t)
        let transfer = LabTransfer.estimate(from: LabStatistics.of(drifted), to: LabStatistics.of(original))
        // Every drifted colour goes back to where it was.
        let back = drifted.map { transfer.apply($0) }
        let worst = zip(back, original).map { $0.deltaE($1) }.max() ?? .infinity
        #expect(worst < 1e-6, "largest error \(worst)")
    }

    /// Any affine drift (here a 12 degree hue rotation with more saturation and a lightness change, which is not
    /// symmetric) is undone in its statistics: the corrected cloud has the original's mean and full covariance.
    /// The per-channel map matches the means and spreads but leaves the cross-channel covariance off.
    @Test func driftStatisticsAreRecovered() throws {
        let original = Self.cloud()
        let angle = 12.0 * Double.pi / 180
        let (c, s) = (cos(angle) * 1.15, sin(angle) * 1.15)
        let m = [0.92, 0, 0, 0, c, -s, 0, s, c]
        let drifted = Self.drift(original, matrix: m, offset: [3, -2, 5])
        let reference = LabStatistics.of(original)
        let source = LabStatistics.of(drifted)
        let mkl = LabTransfer.estimate(from: source, to: reference)
        let corrected = LabStatistics.of(drifted.map { mkl.apply($0) })
        #expect(Self.maxDifference(Self.vector(corrected.mean), Self.vector(reference.mean)) < 1e-6)
        #expect(Self.maxDifference(corrected.covariance, reference.covariance) < 1e-6 * 400, "\(corrected.covariance) vs \(reference.covariance)")
        let perChannel = LabTransfer.estimate(from: source, to: reference, method: .meanSpread)
        let rough = LabStatistics.of(drifted.map { perChannel.apply($0) })
        #expect(Self.maxDifference(Self.vector(rough.mean), Self.vector(reference.mean)) < 1e-6)
        #expect(Self.maxDifference(Self.vector(rough.spread), Self.vector(reference.spread)) < 1e-6)
        #expect(Self.maxDifference(rough.covariance, reference.covariance) > 10, "the per-channel map fixes the cross terms too?")
        // The mean colour difference is gone with either; the per-colour error is smaller with the full map.
        let mklError = zip(drifted.map { mkl.apply($0) }, original).map { $0.deltaE($1) }.reduce(0, +) / Double(original.count)
        let channelError = zip(drifted.map { perChannel.apply($0) }, original).map { $0.deltaE($1) }.reduce(0, +) / Double(original.count)
        #expect(mklError < channelError, "MKL \(mklError), per channel \(channelError)")
    }

    /// Equal statistics give exactly the identity, with both methods and any strength.
    @Test(arguments: LabTransfer.Method.allCases)
    func equalStatisticsGiveIdentity(_ method: LabTransfer.Method) {
        let stats = LabStatistics.of(Self.cloud())
        #expect(LabTransfer.estimate(from: stats, to: stats, method: method).isIdentity)
        #expect(LabTransfer.estimate(from: stats, to: stats, strength: 0.4, method: method).isIdentity)
    }

    /// Strength blends toward the identity: 0 changes nothing, 0.5 moves half way.
    @Test func strengthBlendsTowardIdentity() {
        let original = Self.cloud()
        let drifted = Self.drift(original, matrix: [1.1, 0, 0, 0, 1.2, 0.1, 0, 0.1, 0.9], offset: [5, 1, -2])
        let (source, reference) = (LabStatistics.of(drifted), LabStatistics.of(original))
        #expect(LabTransfer.estimate(from: source, to: reference, strength: 0).isIdentity)
        #expect(LabTransfer.estimate(from: source, to: reference, strength: -3).isIdentity)
        let full = LabTransfer.estimate(from: source, to: reference)
        let half = LabTransfer.estimate(from: source, to: reference, strength: 0.5)
        let colour = drifted[17]
        let expected = full.apply(colour, progress: 0.5)
        #expect(half.apply(colour).deltaE(expected) < 1e-9)
        #expect(LabTransfer.estimate(from: source, to: reference, strength: 7) == full)
    }

    /// Flat, broken or extreme statistics never give a NaN: flat pictures fall back to the per-channel map, values
    /// that are not finite to what can be made of the rest (the identity at worst).
    @Test func degenerateStatisticsGiveFiniteMaps() {
        let picture = LabStatistics.of(Self.cloud())
        let flat = LabStatistics(mean: Lab(l: 50, a: 0, b: 0), spread: Lab(l: 0, a: 0, b: 0), covariance: [Double](repeating: 0, count: 9))
        // Rank one: every colour on one line (a grey ramp).
        let ramp = LabStatistics.of((0..<100).map { Lab(l: Double($0), a: 0, b: 0) })
        let broken = [
            flat, ramp,
            LabStatistics(mean: Lab(l: .nan, a: 0, b: 0), spread: picture.spread, covariance: picture.covariance),
            LabStatistics(mean: picture.mean, spread: Lab(l: .infinity, a: 1, b: 1), covariance: [1, 2, 3]),
            LabStatistics(mean: picture.mean, spread: picture.spread, covariance: picture.covariance.map { _ in Double.nan }),
            LabStatistics(mean: picture.mean, spread: picture.spread, covariance: [1e300, 0, 0, 0, 1e-300, 0, 0, 0, 1]),
            LabStatistics(mean: picture.mean, spread: picture.spread, covariance: [-5, 0, 0, 0, 1, 0, 0, 0, 1]),
        ]
        for (i, stats) in broken.enumerated() {
            for method in LabTransfer.Method.allCases {
                let transfers = [
                    LabTransfer.estimate(from: stats, to: picture, method: method), LabTransfer.estimate(from: picture, to: stats, method: method),
                ]
                for transfer in transfers {
                    #expect((transfer.matrix + transfer.offset).allSatisfy { $0.isFinite }, "case \(i), \(method): \(transfer)")
                    let out = transfer.apply(Lab(l: 50, a: 10, b: -10))
                    #expect([out.l, out.a, out.b].allSatisfy { $0.isFinite }, "case \(i), \(method)")
                }
            }
        }
        // A flat source takes the per-channel map (which keeps the scale where a spread is under 0.5).
        #expect(LabTransfer.estimate(from: flat, to: picture) == LabTransfer.estimate(from: flat, to: picture, method: .meanSpread))
        #expect(LabTransfer.estimate(from: ramp, to: picture) == LabTransfer.estimate(from: ramp, to: picture, method: .meanSpread))
    }

    /// Jacobi's eigenvectors and eigenvalues rebuild the matrix, and the square root squares back to it.
    @Test func jacobiSquareRoot() throws {
        let values = [400.0, 120, -35, 120, 250, 60, -35, 60, 180]
        let matrix = try #require(SymmetricMatrix3(values))
        let (eigenvalues, v) = matrix.eigen()
        #expect(eigenvalues.allSatisfy { $0 > 0 })
        let rebuilt = matrix.applying { $0 }
        #expect(Self.maxDifference(rebuilt.m, values) < 1e-9)
        let root = matrix.applying { $0.squareRoot() }
        #expect(Self.maxDifference(SymmetricMatrix3.product(root.m, root.m), values) < 1e-9)
        // The eigenvectors are orthonormal: VᵀV = I.
        let vt = (0..<9).map { v[($0 % 3) * 3 + $0 / 3] }
        #expect(Self.maxDifference(SymmetricMatrix3.product(vt, v), [1, 0, 0, 0, 1, 0, 0, 0, 1]) < 1e-12)
        #expect(SymmetricMatrix3([1, 2, 3]) == nil)
        #expect(SymmetricMatrix3([1, 0, 0, 0, .nan, 0, 0, 0, 1]) == nil)
    }

    /// The table-driven conversion the frame pass uses is within 0.01 of `Lab(red:green:blue:)` over a colour grid,
    /// and clips out-of-range and NaN components as it does.
    @Test func lookupMatchesExactConversion() {
        let lookup = LabLookup.shared
        var worst = 0.0
        let steps = (0...40).map { Double($0) / 40 } + [0.001, 0.003, 0.0405, 0.999]
        for r in steps {
            for g in steps {
                for b in steps {
                    let fast = lookup.lab(red: r, green: g, blue: b)
                    let exact = Lab(red: r, green: g, blue: b)
                    worst = max(worst, abs(fast.l - exact.l), abs(fast.a - exact.a), abs(fast.b - exact.b))
                }
            }
        }
        #expect(worst < 0.01, "largest error \(worst)")
        let clipped = lookup.lab(red: -1, green: .nan, blue: 2)
        let expected = Lab(red: 0, green: 0, blue: 1)
        #expect(abs(clipped.l - expected.l) < 0.01 && abs(clipped.a - expected.a) < 0.01 && abs(clipped.b - expected.b) < 0.01)
    }
}
