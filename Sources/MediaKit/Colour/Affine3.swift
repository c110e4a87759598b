/// An affine map of three values (a 3x3 matrix by rows, then an offset), held inline: no heap storage and no
/// bounds checks where a table is built node by node.
struct Affine3: Sendable {
    var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    var offset = SIMD3<Double>.zero

    @inline(__always)
    func callAsFunction(_ x: Double, _ y: Double, _ z: Double) -> (Double, Double, Double) {
        let v = SIMD3(x, y, z)
        return ((rows.0 * v).sum() + offset.x, (rows.1 * v).sum() + offset.y, (rows.2 * v).sum() + offset.z)
    }
}
