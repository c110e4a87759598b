/// A 3D lookup table from three 8-bit component codes to three codes: 33 nodes per axis at codes 0, 8, ..., 256,
/// values in sixteenths of a code, read with tetrahedral interpolation in integer arithmetic (the four corners
/// of the tetrahedron holding the colour, weights in eighths), so a lookup costs a few multiply-adds.
struct ColourLUT: Sendable {
    /// log2 of the codes between two nodes.
    static let shift = 2
    /// Codes between two nodes.
    static let step = 1 << shift
    /// Nodes per axis.
    static let nodes = 256 / step + 1
    /// Bits below the code in a looked-up value: sixteenths times the weights' total.
    static let fraction = 4 + shift
    /// Per node (first component slowest), three values in 1/16 code, not clipped to 0...255 (a mapping
    /// that leaves the gamut inside a cell is interpolated smoothly and clipped after).
    let values: [Int16]

    /// A code (any real) as a table value: in sixteenths, within -2000...2000 codes.
    static func fixed(_ code: Double) -> Int16 {
        code.isNaN ? 0 : Int16((min(2000, max(-2000, code)) * 16).rounded())
    }

    /// A looked-up value (1/128 code) as a code, rounded and clipped to 0...255.
    @inline(__always)
    static func byte(_ value: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: min(255, max(0, (value &+ (1 << (fraction - 1))) >> fraction)))
    }

    /// Maps interleaved pixels in place: `count` pixels of `stride` bytes whose first three bytes are the
    /// components (a fourth, alpha, is left alone).
    func apply(interleaved pixels: UnsafeMutablePointer<UInt8>, count: Int, stride: Int) {
        values.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return }
            var p = pixels
            for _ in 0..<count {
                let (a, b, c) = Self.lookup(t, Int(p[0]), Int(p[1]), Int(p[2]))
                p[0] = Self.byte(a)
                p[1] = Self.byte(b)
                p[2] = Self.byte(c)
                p += stride
            }
        }
    }

    /// The mapped components of codes (c0, c1, c2) (each 0...255), in 1/128 code (not clipped).
    @inline(__always)
    static func lookup(_ t: UnsafePointer<Int16>, _ c0: Int, _ c1: Int, _ c2: Int) -> (Int, Int, Int) {
        let s2 = 3
        let s1 = 3 * nodes
        let s0 = 3 * nodes * nodes
        let mask = step - 1
        let f0 = c0 & mask
        let f1 = c1 & mask
        let f2 = c2 & mask
        let p = t + ((c0 >> shift) &* s0 &+ (c1 >> shift) &* s1 &+ (c2 >> shift) &* s2)
        // The tetrahedron: walk from node 000 to 111 along the axes in decreasing order of fraction.
        let w0: Int
        let w1: Int
        let w2: Int
        let w3: Int
        let o1: Int
        let o2: Int
        if f0 >= f1 {
            if f1 >= f2 {
                (w0, w1, w2, w3, o1, o2) = (step - f0, f0 - f1, f1 - f2, f2, s0, s0 + s1)
            } else if f0 >= f2 {
                (w0, w1, w2, w3, o1, o2) = (step - f0, f0 - f2, f2 - f1, f1, s0, s0 + s2)
            } else {
                (w0, w1, w2, w3, o1, o2) = (step - f2, f2 - f0, f0 - f1, f1, s2, s0 + s2)
            }
        } else if f0 >= f2 {
            (w0, w1, w2, w3, o1, o2) = (step - f1, f1 - f0, f0 - f2, f2, s1, s0 + s1)
        } else if f1 >= f2 {
            (w0, w1, w2, w3, o1, o2) = (step - f1, f1 - f2, f2 - f0, f0, s1, s1 + s2)
        } else {
            (w0, w1, w2, w3, o1, o2) = (step - f2, f2 - f1, f1 - f0, f0, s2, s1 + s2)
        }
        let o3 = s0 + s1 + s2
        let a = w0 &* Int(p[0]) &+ w1 &* Int(p[o1]) &+ w2 &* Int(p[o2]) &+ w3 &* Int(p[o3])
        let b = w0 &* Int(p[1]) &+ w1 &* Int(p[o1 + 1]) &+ w2 &* Int(p[o2 + 1]) &+ w3 &* Int(p[o3 + 1])
        let c = w0 &* Int(p[2]) &+ w1 &* Int(p[o1 + 2]) &+ w2 &* Int(p[o2 + 2]) &+ w3 &* Int(p[o3 + 2])
        return (a, b, c)
    }
}
