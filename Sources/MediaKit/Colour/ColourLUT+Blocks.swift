extension ColourLUT {
    /// Blocks mapped together by `blockGroup`.
    static let groupBlocks = 8

    /// Maps 8 side-by-side 2x2 blocks of a 4:2:0 picture (16 luma pixels of two rows from `top`, 8 chroma samples
    /// from `cb` and `cr`) as `blockRow` maps each one, with all but the table reads done for the 8 at once: the
    /// blocks' spread and mean, the tetrahedron and its weights before, the pixels' luma along the slope, the
    /// rounding and clipping after. A wide block is then restored and mapped pixel by pixel (`pixelBlock`).
    ///
    /// Plain vector arithmetic only (no lane selects, which the compiler does element by element): a comparison
    /// is the sign of a difference, and a row's pixel pair is read and written as one 16-bit lane (the left
    /// pixel in the low byte).
    @inline(__always)
    static func blockGroup(
        _ t: UnsafePointer<SIMD4<Int16>>, _ top: UnsafeMutablePointer<UInt8>, _ stride: Int, _ cb: UnsafeMutablePointer<UInt8>,
        _ cr: UnsafeMutablePointer<UInt8>
    ) {
        typealias Lanes = SIMD8<Int16>
        let topPairs = UnsafeRawPointer(top).loadUnaligned(as: SIMD8<UInt16>.self)
        let bottomPairs = UnsafeRawPointer(top + stride).loadUnaligned(as: SIMD8<UInt16>.self)
        let cbIn = UnsafeRawPointer(cb).loadUnaligned(as: SIMD8<UInt8>.self)
        let crIn = UnsafeRawPointer(cr).loadUnaligned(as: SIMD8<UInt8>.self)
        let low = SIMD8<UInt16>(repeating: 0xff)
        let y0 = Lanes(truncatingIfNeeded: topPairs & low)
        let y1 = Lanes(truncatingIfNeeded: topPairs &>> 8)
        let y2 = Lanes(truncatingIfNeeded: bottomPairs & low)
        let y3 = Lanes(truncatingIfNeeded: bottomPairs &>> 8)
        let (c1, c2) = (Lanes(truncatingIfNeeded: cbIn), Lanes(truncatingIfNeeded: crIn))
        let spread = most(most(y0, y1), most(y2, y3)) &- least(least(y0, y1), least(y2, y3))
        let mean = (y0 &+ y1 &+ y2 &+ y3 &+ 2) &>> 2
        let mask = Lanes(repeating: Int16(step - 1))
        let (f0, f1, f2) = (mean & mask, c1 & mask, c2 & mask)
        let largest = most(most(f0, f1), f2)
        let smallest = least(least(f0, f1), f2)
        let middle = f0 &+ f1 &+ f2 &- largest &- smallest
        let (s0, s1, s2) = (Int16(nodes * nodes), Int16(nodes), Int16(1))
        let (lt01, lt02, lt12) = (below(f0, f1), below(f0, f2), below(f1, f2))
        // As `lookup`: the first step along axis 0 if its fraction is the largest, else 1 if f1 >= f2, else 2;
        // the last along the axis of the smallest fraction (2 if f0 >= f2 and f1 >= f2, else 1 if f0 >= f1).
        let first = Lanes(repeating: s2) &+ (~lt01 & ~lt02 & Lanes(repeating: s0 - s2)) &+ (lt01 & ~lt12 & Lanes(repeating: s1 - s2))
        let last = Lanes(repeating: s0) &+ (~lt02 & ~lt12 & Lanes(repeating: s2 - s0)) &+ (~lt01 & lt12 & Lanes(repeating: s1 - s0))
        let second = Lanes(repeating: s0 + s1 + s2) &- last
        let w0 = Lanes(repeating: Int16(step)) &- largest
        let (w1, w2) = (largest &- middle, middle &- smallest)
        let (m0, m1, m2) = (mean &>> Int16(shift), c1 &>> Int16(shift), c2 &>> Int16(shift))
        // The table read block by block, the four values of each written to their components' lanes.
        var looked = Looked()
        withUnsafeMutableBytes(of: &looked) { out in
            let lanes = out.baseAddress!.assumingMemoryBound(to: Int32.self)
            for k in 0..<groupBlocks {
                let p = t + (Int(m0[k]) &* Int(s0) &+ Int(m1[k]) &* Int(s1) &+ Int(m2[k]))
                let a = SIMD4<Int32>(truncatingIfNeeded: p[0]) &* Int32(w0[k])
                let b = SIMD4<Int32>(truncatingIfNeeded: p[Int(first[k])]) &* Int32(w1[k])
                let c = SIMD4<Int32>(truncatingIfNeeded: p[Int(second[k])]) &* Int32(w2[k])
                let d = SIMD4<Int32>(truncatingIfNeeded: p[Int(s0 + s1 + s2)]) &* Int32(smallest[k])
                let v = (a &+ b) &+ (c &+ d)
                (lanes[k], lanes[8 + k], lanes[16 + k], lanes[24 + k]) = (v[0], v[1], v[2], v[3])
            }
        }
        // Each pixel's luma from the mean's along the slope (1/8192 code per code, the luma in 1/64 code).
        let mean32 = SIMD8<Int32>(truncatingIfNeeded: mean)
        @inline(__always) func luma(_ y: Lanes) -> SIMD8<UInt16> {
            let offset = looked.slope &* (SIMD8<Int32>(truncatingIfNeeded: y) &- mean32)
            return codes(looked.luma &+ ((offset &+ 64) &>> 7))
        }
        // All ones where the block is narrow, per pixel pair and per chroma byte.
        let narrow = SIMD8<UInt16>(truncatingIfNeeded: below(spread, Lanes(repeating: Int16(blockSpread + 1))))
        let narrowBytes = SIMD8<UInt8>(truncatingIfNeeded: narrow)
        let topOut = (luma(y0) | (luma(y1) &<< 8)) & narrow | topPairs & ~narrow
        let bottomOut = (luma(y2) | (luma(y3) &<< 8)) & narrow | bottomPairs & ~narrow
        UnsafeMutableRawPointer(top).storeBytes(of: topOut, as: SIMD8<UInt16>.self)
        UnsafeMutableRawPointer(top + stride).storeBytes(of: bottomOut, as: SIMD8<UInt16>.self)
        var cbOut = SIMD8<UInt8>(truncatingIfNeeded: codes(looked.cb)) & narrowBytes | cbIn & ~narrowBytes
        var crOut = SIMD8<UInt8>(truncatingIfNeeded: codes(looked.cr)) & narrowBytes | crIn & ~narrowBytes
        // The wide blocks (their pixels as they were) pixel by pixel.
        if narrowBytes != SIMD8(repeating: 0xff) {
            for k in 0..<groupBlocks where narrowBytes[k] == 0 {
                (cbOut[k], crOut[k]) = pixelBlock(t, top + 2 * k, stride, rows: 2, cols: 2, Int(cbIn[k]), Int(crIn[k]))
            }
        }
        UnsafeMutableRawPointer(cb).storeBytes(of: cbOut, as: SIMD8<UInt8>.self)
        UnsafeMutableRawPointer(cr).storeBytes(of: crOut, as: SIMD8<UInt8>.self)
    }

    /// The looked-up values of a group's blocks by component, in 1/64 code (the slope in 1/8192).
    private struct Looked {
        var luma = SIMD8<Int32>()
        var cb = SIMD8<Int32>()
        var cr = SIMD8<Int32>()
        var slope = SIMD8<Int32>()
    }

    /// -1 where a < b, else 0 (for values far from overflow).
    @inline(__always)
    private static func below(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD8<Int16> { (a &- b) &>> 15 }

    @inline(__always)
    private static func least(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD8<Int16> { b &+ ((a &- b) & below(a, b)) }

    @inline(__always)
    private static func most(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD8<Int16> { a &- ((a &- b) & below(a, b)) }

    /// Looked-up values (in 1/2^`fraction` code) as codes, rounded and clipped to 0...255.
    @inline(__always)
    private static func codes(_ values: SIMD8<Int32>) -> SIMD8<UInt16> {
        let x = (values &+ Int32(1 << (fraction - 1))) &>> Int32(fraction)
        let positive = x & ~(x &>> 31)
        let over = positive &- 255
        return SIMD8<UInt16>(truncatingIfNeeded: 255 &+ (over & (over &>> 31)))
    }
}
