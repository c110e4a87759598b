/// A symmetric 3x3 matrix (row-major, 9 values) and the functions of it a colour transfer needs: its eigenvalues
/// and eigenvectors by the cyclic Jacobi method, and `f(M) = V diag(f(λ)) Vᵀ` for the square root and its inverse.
struct SymmetricMatrix3: Equatable {
    /// Row-major values; symmetric (m[r][c] == m[c][r]) by construction.
    var m: [Double]

    /// The matrix of `values` (row-major, 9 of them), made symmetric by averaging it with its transpose; nil when
    /// there are not 9 values or one is not finite.
    init?(_ values: [Double]) {
        guard values.count == 9, values.allSatisfy(\.isFinite) else { return nil }
        var symmetric = values
        for i in 0..<9 {
            let transposed: Int = (i % 3) * 3 + i / 3
            symmetric[i] = (values[i] + values[transposed]) / 2
        }
        m = symmetric
    }

    private init(symmetric values: [Double]) { m = values }

    /// The eigenvalues and the matching unit eigenvectors (the columns of `vectors`, row-major).
    func eigen() -> (values: [Double], vectors: [Double]) {
        var a = m
        var v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        // Cyclic Jacobi: each rotation zeroes one off-diagonal pair; 3x3 converges in a handful of sweeps.
        for _ in 0..<32 {
            let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
            let scale = a[0] * a[0] + a[4] * a[4] + a[8] * a[8]
            if off <= 1e-30 * max(scale, 1e-300) { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let apq = a[p * 3 + q]
                if apq == 0 { continue }
                let theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq)
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                // a = Jᵀ a J with J the rotation in the (p, q) plane.
                for k in 0..<3 {
                    let akp = a[k * 3 + p]
                    let akq = a[k * 3 + q]
                    a[k * 3 + p] = c * akp - s * akq
                    a[k * 3 + q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p * 3 + k]
                    let aqk = a[q * 3 + k]
                    a[p * 3 + k] = c * apk - s * aqk
                    a[q * 3 + k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k * 3 + p]
                    let vkq = v[k * 3 + q]
                    v[k * 3 + p] = c * vkp - s * vkq
                    v[k * 3 + q] = s * vkp + c * vkq
                }
            }
        }
        return ([a[0], a[4], a[8]], v)
    }

    /// `V diag(f(λ)) Vᵀ`: the matrix function `f` of this matrix (for the square root, λ must not be negative).
    func applying(_ f: (Double) -> Double) -> SymmetricMatrix3 {
        let (values, v) = eigen()
        let d = values.map(f)
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 {
            for c in 0..<3 {
                var sum = 0.0
                for k in 0..<3 { sum += v[r * 3 + k] * d[k] * v[c * 3 + k] }
                out[r * 3 + c] = sum
            }
        }
        return SymmetricMatrix3(symmetric: out)
    }

    /// The smallest eigenvalue.
    var smallestEigenvalue: Double { eigen().values.min() ?? 0 }

    /// The product of two 3x3 row-major matrices.
    static func product(_ x: [Double], _ y: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 {
            for c in 0..<3 {
                var sum = 0.0
                for k in 0..<3 { sum += x[r * 3 + k] * y[k * 3 + c] }
                out[r * 3 + c] = sum
            }
        }
        return out
    }
}
