/// A 3D lookup table from three 8-bit component codes to three codes: 65 nodes per axis at codes 0, 4, ..., 256,
/// values in sixteenths of a code, read with tetrahedral interpolation in integer arithmetic (the four corners
/// of the tetrahedron holding the colour, weights in quarters, the three components of a node as one vector),
/// so a lookup costs four vector multiply-adds.
struct ColourLUT: Sendable {
    // Literal constants (the lookup's arithmetic folds them): 65 nodes, 4 codes apart.
    /// log2 of the codes between two nodes.
    static let shift = 2
    /// Codes between two nodes (`1 << shift`).
    static let step = 4
    /// Nodes per axis (`256 / step + 1`).
    static let nodes = 65
    /// Bits below the code in a looked-up value: sixteenths times the weights' total (`4 + shift`).
    static let fraction = 6
    /// Per node (first component slowest), the three values in 1/16 code and a zero, not clipped to 0...255 (a
    /// mapping that leaves the gamut inside a cell is interpolated smoothly and clipped after).
    let values: [SIMD4<Int16>]

    /// A code (any real) as a table value: in sixteenths, within -2000...2000 codes.
    static func fixed(_ code: Double) -> Int16 {
        code.isNaN ? 0 : Int16((min(2000, max(-2000, code)) * 16).rounded())
    }

    /// A looked-up value (1/64 code) as a code, rounded and clipped to 0...255.
    @inline(__always)
    static func byte(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(255, max(0, (value &+ (1 << (fraction - 1))) >> fraction)))
    }

    /// `a` moved `weight` 256ths of the way to `b`, value by value.
    static func mix(_ a: ColourLUT, _ b: ColourLUT, weight: Int) -> ColourLUT {
        var values = a.values
        let w = SIMD4<Int32>(repeating: Int32(weight))
        b.values.withUnsafeBufferPointer { vb in
            values.withUnsafeMutableBufferPointer { va in
                for i in va.indices {
                    let x = SIMD4<Int32>(truncatingIfNeeded: va[i])
                    let y = SIMD4<Int32>(truncatingIfNeeded: vb[i])
                    va[i] = SIMD4<Int16>(truncatingIfNeeded: x &+ (((y &- x) &* w &+ 128) &>> 8))
                }
            }
        }
        return ColourLUT(values: values)
    }

    /// Maps interleaved pixels in place: `count` pixels of `stride` bytes whose first three bytes are the
    /// components (a fourth, alpha, is left alone).
    func apply(interleaved pixels: UnsafeMutablePointer<UInt8>, count: Int, stride: Int) {
        values.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return }
            var p = pixels
            for _ in 0..<count {
                let v = Self.lookup(t, Int(p[0]), Int(p[1]), Int(p[2]))
                p[0] = Self.byte(v[0])
                p[1] = Self.byte(v[1])
                p[2] = Self.byte(v[2])
                p += stride
            }
        }
    }

    /// The mapped components of codes (c0, c1, c2) (each 0...255), in 1/64 code (not clipped).
    @inline(__always)
    static func lookup(_ t: UnsafePointer<SIMD4<Int16>>, _ c0: Int, _ c1: Int, _ c2: Int) -> SIMD4<Int32> {
        let s2 = 1
        let s1 = nodes
        let s0 = nodes * nodes
        let mask = step - 1
        let f0 = Int32(truncatingIfNeeded: c0 & mask)
        let f1 = Int32(truncatingIfNeeded: c1 & mask)
        let f2 = Int32(truncatingIfNeeded: c2 & mask)
        let offset: Int = (c0 >> shift) &* s0 &+ (c1 >> shift) &* s1 &+ (c2 >> shift) &* s2
        let p = t + offset
        // The tetrahedron: walk from node 000 to 111 along the axes in decreasing order of fraction.
        let whole = Int32(step)
        let w: SIMD4<Int32>
        let o1: Int
        let o2: Int
        if f0 >= f1 {
            if f1 >= f2 {
                (w, o1, o2) = (SIMD4(whole &- f0, f0 &- f1, f1 &- f2, f2), s0, s0 + s1)
            } else if f0 >= f2 {
                (w, o1, o2) = (SIMD4(whole &- f0, f0 &- f2, f2 &- f1, f1), s0, s0 + s2)
            } else {
                (w, o1, o2) = (SIMD4(whole &- f2, f2 &- f0, f0 &- f1, f1), s2, s0 + s2)
            }
        } else if f0 >= f2 {
            (w, o1, o2) = (SIMD4(whole &- f1, f1 &- f0, f0 &- f2, f2), s1, s0 + s1)
        } else if f1 >= f2 {
            (w, o1, o2) = (SIMD4(whole &- f1, f1 &- f2, f2 &- f0, f0), s1, s1 + s2)
        } else {
            (w, o1, o2) = (SIMD4(whole &- f2, f2 &- f1, f1 &- f0, f0), s2, s1 + s2)
        }
        let a = SIMD4<Int32>(truncatingIfNeeded: p[0]) &* w[0]
        let b = SIMD4<Int32>(truncatingIfNeeded: p[o1]) &* w[1]
        let c = SIMD4<Int32>(truncatingIfNeeded: p[o2]) &* w[2]
        let d = SIMD4<Int32>(truncatingIfNeeded: p[s0 + s1 + s2]) &* w[3]
        return (a &+ b) &+ (c &+ d)
    }
}
