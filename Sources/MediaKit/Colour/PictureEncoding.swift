import CFFmpeg

/// How a picture's three 8-bit components encode a gamma-coded R'G'B' colour (taken as sRGB for CIELAB): as
/// R'G'B' itself, or as Y'CbCr with a BT.601 or BT.709 matrix in limited (16-235/240) or full (0-255) range.
enum PictureEncoding: Sendable, Equatable {
    case rgb
    case ycbcr(bt709: Bool, fullRange: Bool)

    /// The encoding of a decoded frame as `FrameExtractor` reads it to R'G'B' (so that a correction estimated on
    /// extracted pictures means the same on the video): BT.709 when the frame is tagged so, BT.601 otherwise
    /// (FFmpeg's default for an unspecified matrix); full range when tagged so or for the `yuvj*` formats.
    init(frame: Frame) {
        let f = frame.pointer.pointee
        let format = AVPixelFormat(rawValue: f.format)
        let jpeg = format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P
        self = .ycbcr(bt709: f.colorspace == AVCOL_SPC_BT709, fullRange: f.color_range == AVCOL_RANGE_JPEG || jpeg)
    }

    /// Gamma-coded R'G'B' of three component codes (any real values, not only integers), not clipped: codes
    /// outside the R'G'B' gamut give components outside 0...1.
    func rgb(_ c0: Double, _ c1: Double, _ c2: Double) -> (Double, Double, Double) {
        switch self {
        case .rgb:
            return (c0 / 255, c1 / 255, c2 / 255)
        case .ycbcr(let bt709, let full):
            let (kr, kb) = bt709 ? (0.2126, 0.0722) : (0.299, 0.114)
            let y = full ? c0 / 255 : (c0 - 16) / 219
            let pb = (c1 - 128) / (full ? 255 : 224)
            let pr = (c2 - 128) / (full ? 255 : 224)
            let r = y + 2 * (1 - kr) * pr
            let b = y + 2 * (1 - kb) * pb
            let g = (y - kr * r - kb * b) / (1 - kr - kb)
            return (r, g, b)
        }
    }

    /// The component codes (0...255, not rounded) of a gamma-coded R'G'B' colour.
    func codes(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        codeTransform(r, g, b)
    }

    /// `codes(_:_:_:)` as one affine map of (R', G', B').
    var codeTransform: Affine3 {
        switch self {
        case .rgb:
            return Affine3(rows: (SIMD3(255, 0, 0), SIMD3(0, 255, 0), SIMD3(0, 0, 255)))
        case .ycbcr(let bt709, let full):
            let (kr, kb) = bt709 ? (0.2126, 0.0722) : (0.299, 0.114)
            let kg = 1 - kr - kb
            let (luma, chroma) = full ? (255.0, 255.0) : (219.0, 224.0)
            // Cb = (B' - Y') / (2 (1 - kb)) and Cr = (R' - Y') / (2 (1 - kr)), scaled to the range.
            let (sb, sr) = (chroma / (2 * (1 - kb)), chroma / (2 * (1 - kr)))
            return Affine3(
                rows: (SIMD3(kr, kg, kb) * luma, SIMD3(-kr, -kg, 1 - kb) * sb, SIMD3(1 - kr, -kg, -kb) * sr),
                offset: SIMD3(full ? 0 : 16, 128, 128))
        }
    }
}
