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
    /// The largest luma spread (codes) of a 2x2 chroma block mapped with one lookup (wider blocks, and blocks of
    /// one or two pixels, take one lookup per pixel).
    static let blockSpread = 16

    /// Maps the luma pixels of `region` (x, y: multiples of the chroma block) of `picture` in place: each luma
    /// pixel gets the mapped luma of (its Y', the block's Cb, Cr), and each chroma sample the rounded mean of
    /// the mapped chroma of the luma pixels of its block inside the region.
    ///
    /// A 4:2:0 block whose luma spans at most `blockSpread` codes (most of them in camera or generated video) is
    /// read once, at its mean luma: its chroma is the mapped chroma there, and each pixel's luma follows the
    /// mapping's slope along luma (the table's fourth component, `withLumaSlopes`) from that point. A quarter of
    /// the lookups, within a fraction of a code of looking up every pixel (at fixed chroma the mapping curves
    /// little over a few codes of luma, and the chroma's first-order change cancels in the mean).
    func apply(to picture: PlanarPicture, region: (x: Int, y: Int, width: Int, height: Int)) {
        let (sx, sy) = picture.chromaShift
        guard region.width > 0, region.height > 0, (0...1).contains(sx), (0...1).contains(sy) else { return }
        let endX = region.x + region.width
        let endY = region.y + region.height
        values.withUnsafeBufferPointer { table in
            guard let t = table.baseAddress else { return }
            var cy = region.y >> sy
            while cy << sy < endY {
                let rowY = cy << sy
                let rows = min(1 << sy, endY - rowY)
                let cbRow = picture.cb + cy * picture.chromaStride
                let crRow = picture.cr + cy * picture.chromaStride
                let lumaRow = picture.luma + rowY * picture.lumaStride
                var cx = region.x >> sx
                if sx == 1 && rows == 2 {
                    // The whole 2x2 blocks of the row, then the odd column at the end (if any) below.
                    let whole = (endX >> 1) - cx
                    Self.blockRow(t, lumaRow, picture.lumaStride, cbRow + cx, crRow + cx, from: cx, count: whole)
                    cx += max(0, whole)
                }
                while cx << sx < endX {
                    let colX = cx << sx
                    let cols = min(1 << sx, endX - colX)
                    (cbRow[cx], crRow[cx]) = Self.pixelBlock(
                        t, lumaRow + colX, picture.lumaStride, rows: rows, cols: cols, Int(cbRow[cx]), Int(crRow[cx]))
                    cx += 1
                }
                cy += 1
            }
        }
    }

    /// Maps `count` 2x2 blocks of one 4:2:0 chroma row, the first at chroma column `first` (`cb`, `cr` point at
    /// it): 8 at a time (`blockGroup`), the rest one by one.
    @inline(__always)
    private static func blockRow(
        _ t: UnsafePointer<SIMD4<Int16>>, _ lumaRow: UnsafeMutablePointer<UInt8>, _ stride: Int, _ cb: UnsafeMutablePointer<UInt8>,
        _ cr: UnsafeMutablePointer<UInt8>, from first: Int, count: Int
    ) {
        guard count > 0 else { return }
        let top = lumaRow + 2 * first
        let groups = count / groupBlocks
        for g in 0..<groups {
            let k = g * groupBlocks
            blockGroup(t, top + 2 * k, stride, cb + k, cr + k)
        }
        for k in (groups * groupBlocks)..<count {
            (cb[k], cr[k]) = block(t, top + 2 * k, stride, Int(cb[k]), Int(cr[k]))
        }
    }

    /// Maps one 2x2 block of a 4:2:0 picture (`top`: its top-left luma pixel) sharing chroma (`cb`, `cr`) and
    /// returns its new chroma: a narrow block (luma spread at most `blockSpread`) from one lookup at its rounded
    /// mean luma, each pixel's luma along the slope there; a wider one pixel by pixel.
    @inline(__always)
    static func block(_ t: UnsafePointer<SIMD4<Int16>>, _ top: UnsafeMutablePointer<UInt8>, _ stride: Int, _ cb: Int, _ cr: Int) -> (UInt8, UInt8) {
        let bottom = top + stride
        let (y0, y1, y2, y3) = (Int(top[0]), Int(top[1]), Int(bottom[0]), Int(bottom[1]))
        let lowest = min(min(y0, y1), min(y2, y3))
        let highest = max(max(y0, y1), max(y2, y3))
        guard highest - lowest <= blockSpread else { return pixelBlock(t, top, stride, rows: 2, cols: 2, cb, cr) }
        let mean = (y0 &+ y1 &+ y2 &+ y3 &+ 2) >> 2
        let v = lookup(t, mean, cb, cr)
        // Luma in 1/64 code plus the slope (1/8192 code per code) times the distance from the mean.
        let (base, slope) = (Int(v[0]), Int(v[3]))
        top[0] = byte(Int32(truncatingIfNeeded: base &+ ((slope &* (y0 &- mean) &+ 64) >> 7)))
        top[1] = byte(Int32(truncatingIfNeeded: base &+ ((slope &* (y1 &- mean) &+ 64) >> 7)))
        bottom[0] = byte(Int32(truncatingIfNeeded: base &+ ((slope &* (y2 &- mean) &+ 64) >> 7)))
        bottom[1] = byte(Int32(truncatingIfNeeded: base &+ ((slope &* (y3 &- mean) &+ 64) >> 7)))
        return (byte(v[1]), byte(v[2]))
    }

    /// Maps a block of `rows` x `cols` luma pixels (1 or 2 each) sharing chroma (`cb`, `cr`) with one lookup per
    /// pixel; returns the block's new chroma, the rounded mean of the pixels' mapped chroma (each clipped first).
    @inline(__always)
    static func pixelBlock(
        _ t: UnsafePointer<SIMD4<Int16>>, _ first: UnsafeMutablePointer<UInt8>, _ stride: Int, rows: Int, cols: Int, _ cb: Int, _ cr: Int
    ) -> (UInt8, UInt8) {
        let low = SIMD4<Int32>(repeating: 0)
        let high = SIMD4<Int32>(repeating: 255 << Self.fraction)
        var sum = SIMD4<Int32>(repeating: 0)
        for dy in 0..<rows {
            let luma = first + dy * stride
            for dx in 0..<cols {
                let v = lookup(t, Int(luma[dx]), cb, cr)
                luma[dx] = byte(v[0])
                sum &+= v.clamped(lowerBound: low, upperBound: high)
            }
        }
        // rows * cols is 1, 2 or 4: the mean by a shift.
        let k = Int32(fraction + (rows * cols).trailingZeroBitCount)
        let mean = (sum &+ (1 &<< (k - 1))) &>> k
        return (UInt8(truncatingIfNeeded: mean[1]), UInt8(truncatingIfNeeded: mean[2]))
    }

    /// `values` with each node's fourth component set to the slope of its first value along the first axis
    /// (central differences between the nodes around it, one-sided at the ends), in 1/2048 (so a lookup, whose
    /// weights add to 4, gives it in 1/8192), clipped to Int16.
    static func withLumaSlopes(_ values: [SIMD4<Int16>]) -> [SIMD4<Int16>] {
        let n = nodes
        let plane = n * n
        guard values.count == n * plane else { return values }
        var sloped = values
        for i in 0..<values.count {
            let c0 = i / plane
            let ahead = c0 < n - 1 ? i + plane : i
            let behind = c0 > 0 ? i - plane : i
            // Values in 1/16 code, nodes `step` codes apart: slope * 2048 = rise * 2048 / (16 * step * nodes apart).
            let rise = Int(values[ahead][0]) - Int(values[behind][0])
            let apart = (ahead - behind) / plane
            let slope = rise * 2048 / (16 * step * max(1, apart))
            sloped[i][3] = Int16(clamping: slope)
        }
        return sloped
    }
}
