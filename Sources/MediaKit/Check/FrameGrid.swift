import CFFmpeg

/// A decoded frame's planes read in place at the points of a regular grid (no conversion, no copy): the
/// components' layout from the pixel format's descriptor, the grid for a number of points, and each point's
/// code values and display colour (R'G'B' with the frame's matrix and range). Valid while the frame is.
struct FrameGrid {
    let width: Int
    let height: Int
    /// The samples are R'G'B' (else Y'CbCr, or gray when `hasChroma` is false).
    let isRGB: Bool
    let hasChroma: Bool
    /// Bits per sample of the first component.
    let depth: Int
    /// The top code value, `2^depth - 1`.
    let top: Double
    /// The samples use the full code range (always for RGB).
    let fullRange: Bool
    let matrix: YCbCrMatrix
    /// The first three components (a gray picture's luma reader stands in for the missing ones).
    let first: ComponentReader
    let second: ComponentReader
    let third: ComponentReader
    /// The grid: every `step` pixels from `step / 2`, `columns` x `rows` points.
    let step: Int
    let columns: Int
    let rows: Int

    /// The grid of about `points` points of `frame`; nil when its pixel format is not one the grid reads
    /// (big-endian, paletted, bit-packed, floating-point, hardware, or under 8 or over 16 bits a sample) or it has
    /// no picture.
    init?(_ frame: Frame, points: Int) {
        let f = frame.pointer.pointee
        width = Int(f.width)
        height = Int(f.height)
        guard width > 0, height > 0, let desc = av_pix_fmt_desc_get(frame.pixelFormat) else { return nil }
        let unreadable = UInt64(
            AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_FLOAT)
        guard desc.pointee.flags & unreadable == 0, desc.pointee.nb_components >= 1 else { return nil }
        isRGB = desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
        let components = Int(desc.pointee.nb_components)
        if isRGB && components < 3 { return nil }
        let planes = withUnsafeBytes(of: f.data) { Array($0.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)) }
        let strides = withUnsafeBytes(of: f.linesize) { Array($0.bindMemory(to: Int32.self)) }
        let descriptors = withUnsafeBytes(of: desc.pointee.comp) { Array($0.bindMemory(to: AVComponentDescriptor.self)) }
        var readers: [ComponentReader] = []
        for c in 0..<min(components, 3) {
            let d = descriptors[c]
            let plane = Int(d.plane)
            guard (8...16).contains(d.depth), plane >= 0, plane < planes.count, let base = planes[plane] else { return nil }
            let subsampled = !isRGB && (c == 1 || c == 2)
            readers.append(
                ComponentReader(
                    base: base, stride: Int(strides[plane]), step: Int(d.step), offset: Int(d.offset), shift: Int32(d.shift),
                    mask: Int32((1 << Int(d.depth)) - 1), wide: d.depth > 8, xShift: subsampled ? Int(desc.pointee.log2_chroma_w) : 0,
                    yShift: subsampled ? Int(desc.pointee.log2_chroma_h) : 0))
        }
        first = readers[0]
        second = readers.count > 1 ? readers[1] : readers[0]
        third = readers.count > 2 ? readers[2] : readers[0]
        hasChroma = components >= 3
        depth = Int(descriptors[0].depth)
        top = Double((1 << depth) - 1)
        fullRange = isRGB || Self.isFullRange(frame, desc)
        matrix = YCbCrMatrix(depth: depth, fullRange: fullRange, space: f.colorspace)
        step = max(1, min(width, height, Int((Double(width) * Double(height) / Double(max(1, points))).squareRoot())))
        columns = (width - step / 2 + step - 1) / step
        rows = (height - step / 2 + step - 1) / step
    }

    /// How many points the grid has.
    var points: Int { columns * rows }

    /// The code values of the first three components at grid point (column, row).
    @inline(__always)
    func codes(column: Int, row: Int) -> (Int32, Int32, Int32) {
        let x = step / 2 + column * step
        let y = step / 2 + row * step
        return (first.sample(x: x, y: y), second.sample(x: x, y: y), third.sample(x: x, y: y))
    }

    /// The display colour R'G'B' (not clipped) of a point's code values.
    @inline(__always)
    func rgb(_ a: Int32, _ b: Int32, _ c: Int32) -> (Double, Double, Double) {
        if isRGB { return (Double(a) / top, Double(b) / top, Double(c) / top) }
        let mid = Double(1 << (depth - 1))
        return matrix.rgb(y: Double(a), cb: hasChroma ? Double(b) : mid, cr: hasChroma ? Double(c) : mid)
    }

    /// True when the frame's samples use the full code range: tagged so, or a `yuvj` pixel format (what swscale assumes).
    static func isFullRange(_ frame: Frame, _ desc: UnsafePointer<AVPixFmtDescriptor>) -> Bool {
        let range = frame.pointer.pointee.color_range
        if range != AVCOL_RANGE_UNSPECIFIED { return range == AVCOL_RANGE_JPEG }
        return (ffString(desc.pointee.name) ?? "").hasPrefix("yuvj")
    }
}
