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
    /// Per node (first component slowest), the three values in 1/16 code, not clipped to 0...255 (a mapping that
    /// leaves the gamut inside a cell is interpolated smoothly and clipped after), and the first value's slope
    /// along the first axis in 1/2048 (`withLumaSlopes`; zero when not set).
    private(set) var values: [SIMD4<Int16>]

    /// A code (any real) as a table value: in sixteenths, within -2000...2000 codes.
    static func fixed(_ code: Double) -> Int16 {
        guard !code.isNaN else { return 0 }
        let v = min(2000, max(-2000, code)) * 16
        // Rounded half away from zero by truncation (no call into the C library).
        return Int16(v + (v < 0 ? -0.5 : 0.5))
    }

    /// A looked-up value (1/64 code) as a code, rounded and clipped to 0...255.
    @inline(__always)
    static func byte(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(255, max(0, (value &+ (1 << (fraction - 1))) >> fraction)))
    }

    /// `a` moved `weight` 256ths of the way to `b`, value by value (16 at a time: the table's Int16s as one run).
    static func mix(_ a: ColourLUT, _ b: ColourLUT, weight: Int) -> ColourLUT {
        var mixed = a
        mixed.mix(a, b, weight: weight)
        return mixed
    }

    /// Becomes `a` moved `weight` 256ths of the way to `b`, in this table's own storage when it is the same size
    /// and not shared (no new 2 MB table per frame).
    mutating func mix(_ a: ColourLUT, _ b: ColourLUT, weight: Int) {
        if values.count != a.values.count { values = a.values }
        a.values.withUnsafeBufferPointer { vx in
            b.values.withUnsafeBufferPointer { vb in
                values.withUnsafeMutableBufferPointer { va in
                    // The nodes' components as one run of Int16s (a SIMD4<Int16> is four of them).
                    vx.withMemoryRebound(to: Int16.self) { ix in
                        vb.withMemoryRebound(to: Int16.self) { ib in
                            va.withMemoryRebound(to: Int16.self) { Self.mix(ix, ib, weight: weight, into: $0) }
                        }
                    }
                }
            }
        }
    }

    private static func mix(
        _ ix: UnsafeBufferPointer<Int16>, _ ib: UnsafeBufferPointer<Int16>, weight: Int, into ia: UnsafeMutableBufferPointer<Int16>
    ) {
        let w = SIMD16<Int32>(repeating: Int32(weight))
        let half = SIMD16<Int32>(repeating: 128)
        let (rx, rb, ra) = (UnsafeRawBufferPointer(ix), UnsafeRawBufferPointer(ib), UnsafeMutableRawBufferPointer(ia))
        let total = min(ia.count, ib.count, ix.count)
        let count = total / 16
        for i in 0..<count {
            let offset = i * MemoryLayout<SIMD16<Int16>>.stride
            let x = SIMD16<Int32>(truncatingIfNeeded: rx.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int16>.self))
            let y = SIMD16<Int32>(truncatingIfNeeded: rb.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int16>.self))
            ra.storeBytes(of: SIMD16<Int16>(truncatingIfNeeded: x &+ (((y &- x) &* w &+ half) &>> 8)), toByteOffset: offset, as: SIMD16<Int16>.self)
        }
        // The last components one by one.
        for j in (count * 16)..<total {
            let x = Int32(ix[j])
            ia[j] = Int16(truncatingIfNeeded: x &+ (((Int32(ib[j]) &- x) &* Int32(weight) &+ 128) &>> 8))
        }
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
    ///
    /// Branch-free: the tetrahedron's path leaves node 000 along the axis of the largest fraction and reaches
    /// 111 along the axis of the smallest, so the four corners and weights come from the sorted fractions
    /// (conditional moves, not jumps a noisy picture would mispredict; ties give the same value either way).
    @inline(__always)
    static func lookup(_ t: UnsafePointer<SIMD4<Int16>>, _ c0: Int, _ c1: Int, _ c2: Int) -> SIMD4<Int32> {
        let s2 = 1
        let s1 = nodes
        let s0 = nodes * nodes
        let mask = step - 1
        let (f0, f1, f2) = (c0 & mask, c1 & mask, c2 & mask)
        let offset: Int = (c0 >> shift) &* s0 &+ (c1 >> shift) &* s1 &+ (c2 >> shift) &* s2
        let p = t + offset
        let largest = max(max(f0, f1), f2)
        let smallest = min(min(f0, f1), f2)
        let middle = f0 &+ f1 &+ f2 &- largest &- smallest
        // The first step: along axis 0 if its fraction is the largest, else 1 if f1 >= f2, else 2.
        let first = f0 >= f1 && f0 >= f2 ? s0 : (f1 >= f2 ? s1 : s2)
        // The last step: along the smaller of the two other axes.
        let last = first == s0 ? (f1 >= f2 ? s2 : s1) : first == s1 ? (f0 >= f2 ? s2 : s0) : (f0 >= f1 ? s1 : s0)
        let o1 = first
        let o2 = s0 &+ s1 &+ s2 &- last
        let whole = step
        let w0 = Int32(truncatingIfNeeded: whole &- largest)
        let w1 = Int32(truncatingIfNeeded: largest &- middle)
        let w2 = Int32(truncatingIfNeeded: middle &- smallest)
        let w3 = Int32(truncatingIfNeeded: smallest)
        let a = SIMD4<Int32>(truncatingIfNeeded: p[0]) &* w0
        let b = SIMD4<Int32>(truncatingIfNeeded: p[o1]) &* w1
        let c = SIMD4<Int32>(truncatingIfNeeded: p[o2]) &* w2
        let d = SIMD4<Int32>(truncatingIfNeeded: p[s0 + s1 + s2]) &* w3
        return (a &+ b) &+ (c &+ d)
    }
}
