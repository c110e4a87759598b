import CFFmpeg

/// Measures `FrameStatistics` of decoded frames on a sparse grid of their planes, read in place (no conversion,
/// no copy): about `targetPoints` points per frame, whatever the picture size. Not `Sendable`.
final class FrameSampler {
    /// How many grid points a frame is sampled at, about.
    static let targetPoints = 4096

    /// The luma code values of the previous frame's grid points (empty before the first frame).
    private var previous: [Int32] = []
    private var current: [Int32] = []

    /// The statistics of `frame`, shown at `seconds`; nil when its pixel format is not one the sampler reads
    /// (big-endian, paletted, bit-packed, floating-point, hardware, or under 8 or over 16 bits a sample) or it has
    /// no picture.
    func statistics(of frame: Frame, seconds: Double) -> FrameStatistics? {
        let f = frame.pointer.pointee
        let width = Int(f.width)
        let height = Int(f.height)
        guard width > 0, height > 0, let desc = av_pix_fmt_desc_get(frame.pixelFormat) else { return nil }
        let unreadable = UInt64(
            AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_FLOAT)
        guard desc.pointee.flags & unreadable == 0, desc.pointee.nb_components >= 1 else { return nil }
        let isRGB = desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
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
        let depth = Int(descriptors[0].depth)
        let top = Double((1 << depth) - 1)

        let step = max(1, min(width, height, Int((Double(width) * Double(height) / Double(Self.targetPoints)).squareRoot())))
        let columns = (width - step / 2 + step - 1) / step
        let rows = (height - step / 2 + step - 1) / step
        let points = columns * rows
        let comparable = previous.count == points
        if current.count != points { current = [Int32](repeating: 0, count: points) }
        // A gray picture has no chroma: its luma reader stands in (the sums are not used).
        let (lumaReader, second, third) = (readers[0], readers.count > 1 ? readers[1] : readers[0], readers.count > 2 ? readers[2] : readers[0])
        var sums: (Int, Int, Int) = (0, 0, 0)
        var difference = 0
        current.withUnsafeMutableBufferPointer { now in
            previous.withUnsafeBufferPointer { before in
                var n = 0
                for row in 0..<rows {
                    let y = step / 2 + row * step
                    for column in 0..<columns {
                        let x = step / 2 + column * step
                        let a = lumaReader.sample(x: x, y: y)
                        let b = second.sample(x: x, y: y)
                        let c = third.sample(x: x, y: y)
                        sums.0 &+= Int(a)
                        sums.1 &+= Int(b)
                        sums.2 &+= Int(c)
                        // For RGB the luma is BT.601's weighted sum, in code values (77 + 150 + 29 = 256).
                        let luma = isRGB ? (77 &* a &+ 150 &* b &+ 29 &* c) >> 8 : a
                        if comparable { difference &+= Int(abs(luma &- before[n])) }
                        now[n] = luma
                        n += 1
                    }
                }
            }
        }
        let count = Double(max(points, 1))
        let means = (Double(sums.0) / count, Double(sums.1) / count, Double(sums.2) / count)
        let lumaDifference = comparable ? Double(difference) / count / top : 0
        swap(&previous, &current)

        if isRGB {
            let (r, g, b) = (means.0 / top, means.1 / top, means.2 / top)
            return FrameStatistics(
                seconds: seconds, meanLuma: 0.299 * r + 0.587 * g + 0.114 * b, meanRed: r, meanGreen: g, meanBlue: b,
                lumaDifference: lumaDifference)
        }
        let mid = Double(1 << (depth - 1))
        let colour = components >= 3 ? (means.1, means.2) : (mid, mid)
        let rgb = Self.rgb(
            y: means.0, cb: colour.0, cr: colour.1, depth: depth, fullRange: Self.isFullRange(frame, desc), space: f.colorspace)
        return FrameStatistics(
            seconds: seconds, meanLuma: means.0 / top, meanRed: rgb.0, meanGreen: rgb.1, meanBlue: rgb.2, lumaDifference: lumaDifference)
    }

    /// True when the frame's samples use the full code range: tagged so, or a `yuvj` pixel format (what swscale assumes).
    static func isFullRange(_ frame: Frame, _ desc: UnsafePointer<AVPixFmtDescriptor>) -> Bool {
        let range = frame.pointer.pointee.color_range
        if range != AVCOL_RANGE_UNSPECIFIED { return range == AVCOL_RANGE_JPEG }
        return (ffString(desc.pointee.name) ?? "").hasPrefix("yuvj")
    }

    /// Y'CbCr code values to R'G'B' in 0...1 (clipped), with the matrix swscale picks for `space` (BT.601 when
    /// unspecified or unknown).
    static func rgb(y: Double, cb: Double, cr: Double, depth: Int, fullRange: Bool, space: AVColorSpace) -> (Double, Double, Double) {
        let (kr, kb): (Double, Double)
        switch space {
        case AVCOL_SPC_BT709: (kr, kb) = (0.2126, 0.0722)
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: (kr, kb) = (0.2627, 0.0593)
        default: (kr, kb) = (0.299, 0.114)
        }
        let scale = Double(1 << (depth - 8))
        let mid = 128 * scale
        let top = Double((1 << depth) - 1)
        let luma = fullRange ? y / top : (y - 16 * scale) / (219 * scale)
        let blue = (cb - mid) / (fullRange ? top : 224 * scale)
        let red = (cr - mid) / (fullRange ? top : 224 * scale)
        let r = luma + 2 * (1 - kr) * red
        let b = luma + 2 * (1 - kb) * blue
        let g = (luma - kr * r - kb * b) / (1 - kr - kb)
        func clip(_ v: Double) -> Double { min(1, max(0, v)) }
        return (clip(r), clip(g), clip(b))
    }
}

/// Where one colour component of a decoded picture lives: its plane, the byte step between pixels, the offset in
/// a pixel, the bit shift and mask, and the chroma subsampling of its plane.
struct ComponentReader {
    let base: UnsafeMutablePointer<UInt8>
    let stride: Int
    let step: Int
    let offset: Int
    let shift: Int32
    let mask: Int32
    /// Two bytes per sample (little-endian: big-endian formats are not read).
    let wide: Bool
    let xShift: Int
    let yShift: Int

    /// The component's code value at luma position (x, y), which must lie inside the picture.
    @inline(__always)
    func sample(x: Int, y: Int) -> Int32 {
        let p = UnsafeRawPointer(base + (y >> yShift) * stride + (x >> xShift) * step + offset)
        let raw = wide ? Int32(p.loadUnaligned(as: UInt16.self)) : Int32(p.load(as: UInt8.self))
        return (raw >> shift) & mask
    }
}
