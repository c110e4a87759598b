/// Three 8-bit planes of a Y'CbCr picture, chroma subsampled by `1 << chromaShift.x` across and
/// `1 << chromaShift.y` down (0 or 1 each: 4:4:4, 4:2:2, 4:2:0).
struct PlanarPicture {
    var luma: UnsafeMutablePointer<UInt8>
    var cb: UnsafeMutablePointer<UInt8>
    var cr: UnsafeMutablePointer<UInt8>
    var lumaStride: Int
    var chromaStride: Int
    var chromaShift: (x: Int, y: Int)
}

extension ColourLUT {
    /// The largest luma spread (codes) of a 2x2 chroma block mapped with two lookups (wider blocks, and blocks of
    /// one or two pixels, take one lookup per pixel).
    static let blockSpread = 16

    /// 65536 / n rounded, for a block's luma spread n (0 taken as 1): a multiply instead of a division per block.
    private static let reciprocals: [Int] = (0...blockSpread).map { (65536 + max(1, $0) / 2) / max(1, $0) }

    /// Maps the luma pixels of `region` (x, y: multiples of the chroma block) of `picture` in place: each luma
    /// pixel gets the mapped luma of (its Y', the block's Cb, Cr), and each chroma sample the rounded mean of
    /// the mapped chroma of the luma pixels of its block inside the region.
    ///
    /// A 4:2:0 block whose luma spans at most `blockSpread` codes (most of them in camera or generated video) is
    /// read twice, at its lowest and highest luma, and its other pixels are placed on the line between: half the
    /// lookups, and within a fraction of a code of looking up every pixel (at fixed chroma the mapping curves
    /// little over a few codes of luma).
    func apply(to picture: PlanarPicture, region: (x: Int, y: Int, width: Int, height: Int)) {
        let (sx, sy) = picture.chromaShift
        guard region.width > 0, region.height > 0, (0...1).contains(sx), (0...1).contains(sy) else { return }
        let endX = region.x + region.width
        let endY = region.y + region.height
        let low = SIMD4<Int32>(repeating: 0)
        let high = SIMD4<Int32>(repeating: 255 << Self.fraction)
        values.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return }
            var cy = region.y >> sy
            while cy << sy < endY {
                let rowY = cy << sy
                let rows = min(1 << sy, endY - rowY)
                let cbRow = picture.cb + cy * picture.chromaStride
                let crRow = picture.cr + cy * picture.chromaStride
                var cx = region.x >> sx
                while cx << sx < endX {
                    let colX = cx << sx
                    let cols = min(1 << sx, endX - colX)
                    let cb = Int(cbRow[cx])
                    let cr = Int(crRow[cx])
                    let first = picture.luma + rowY * picture.lumaStride + colX
                    if rows == 2 && cols == 2, let mapped = Self.narrowBlock(t, first, picture.lumaStride, cb, cr) {
                        (cbRow[cx], crRow[cx]) = mapped
                        cx += 1
                        continue
                    }
                    var sum = SIMD4<Int32>(repeating: 0)
                    for dy in 0..<rows {
                        let luma = first + dy * picture.lumaStride
                        for dx in 0..<cols {
                            let v = Self.lookup(t, Int(luma[dx]), cb, cr)
                            luma[dx] = Self.byte(v[0])
                            sum &+= v.clamped(lowerBound: low, upperBound: high)
                        }
                    }
                    // rows * cols is 1, 2 or 4: the mean by a shift.
                    let k = Int32(Self.fraction + (rows * cols).trailingZeroBitCount)
                    let mean = (sum &+ (1 &<< (k - 1))) &>> k
                    cbRow[cx] = UInt8(truncatingIfNeeded: mean[1])
                    crRow[cx] = UInt8(truncatingIfNeeded: mean[2])
                    cx += 1
                }
                cy += 1
            }
        }
    }

    /// A 2x2 block whose luma spans at most `blockSpread` codes mapped with two lookups, at its lowest and highest
    /// luma, the other pixels placed on the line between (weights in 256ths); its mapped chroma returned (nil,
    /// nothing written, for a wider block).
    @inline(__always)
    private static func narrowBlock(_ t: UnsafePointer<SIMD4<Int16>>, _ top: UnsafeMutablePointer<UInt8>, _ stride: Int, _ cb: Int, _ cr: Int)
        -> (UInt8, UInt8)?
    {
        let bottom = top + stride
        let (y0, y1, y2, y3) = (Int(top[0]), Int(top[1]), Int(bottom[0]), Int(bottom[1]))
        let lowest = min(min(y0, y1), min(y2, y3))
        let highest = max(max(y0, y1), max(y2, y3))
        guard highest - lowest <= blockSpread else { return nil }
        let atLowest = lookup(t, lowest, cb, cr)
        let atHighest = highest == lowest ? atLowest : lookup(t, highest, cb, cr)
        let change = atHighest &- atLowest
        let reciprocal = reciprocals[highest - lowest]
        let (base, rise) = (Int(atLowest[0]), Int(change[0]))
        let (w0, w1) = (((y0 - lowest) &* reciprocal &+ 128) >> 8, ((y1 - lowest) &* reciprocal &+ 128) >> 8)
        let (w2, w3) = (((y2 - lowest) &* reciprocal &+ 128) >> 8, ((y3 - lowest) &* reciprocal &+ 128) >> 8)
        top[0] = byte(Int32(truncatingIfNeeded: base &+ (rise &* w0 &+ 128) >> 8))
        top[1] = byte(Int32(truncatingIfNeeded: base &+ (rise &* w1 &+ 128) >> 8))
        bottom[0] = byte(Int32(truncatingIfNeeded: base &+ (rise &* w2 &+ 128) >> 8))
        bottom[1] = byte(Int32(truncatingIfNeeded: base &+ (rise &* w3 &+ 128) >> 8))
        // The chroma of the four pixels summed at once when both ends lie inside 0...255 (so all between do too),
        // else each clipped first.
        let (low, high) = (SIMD4<Int32>(repeating: 0), SIMD4<Int32>(repeating: 255 << fraction))
        var sum = atLowest &* 4 &+ (change &* Int32(truncatingIfNeeded: w0 &+ w1 &+ w2 &+ w3) &+ 128) &>> 8
        let inside = atLowest .>= low .& atLowest .<= high .& atHighest .>= low .& atHighest .<= high
        if !inside[1] || !inside[2] {
            sum = .zero
            for w in [w0, w1, w2, w3] {
                sum &+= (atLowest &+ (change &* Int32(truncatingIfNeeded: w) &+ 128) &>> 8).clamped(lowerBound: low, upperBound: high)
            }
        }
        let mean = (sum &+ (1 &<< (fraction + 1))) &>> Int32(fraction + 2)
        return (UInt8(truncatingIfNeeded: mean[1]), UInt8(truncatingIfNeeded: mean[2]))
    }
}
