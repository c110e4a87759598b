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
    /// Maps the luma pixels of `region` (x, y: multiples of the chroma block) of `picture` in place: each luma
    /// pixel gets the mapped luma of (its Y', the block's Cb, Cr), and each chroma sample the rounded mean of
    /// the mapped chroma of the luma pixels of its block inside the region.
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
                    var sum = SIMD4<Int32>(repeating: 0)
                    for dy in 0..<rows {
                        let luma = picture.luma + (rowY + dy) * picture.lumaStride + colX
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
}
