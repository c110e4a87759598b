import CFFmpeg

/// The conversion of Y'CbCr code values to R'G'B' in 0...1 that swscale applies for a frame: the matrix of its
/// colour space (BT.601 when unspecified or unknown, BT.709, BT.2020) and its range (limited: Y 16...235 and
/// chroma 16...240 at 8 bits, scaled for deeper samples; full: 0...top).
struct YCbCrMatrix {
    /// Y' code value to luma 0...1: `(y - lumaOffset) * lumaScale`.
    let lumaOffset: Double
    let lumaScale: Double
    /// The code value of zero chroma.
    let chromaMid: Double
    /// Chroma code value to the colour difference: the red, green and blue gains of Cb and of Cr.
    let redFromCr: Double
    let greenFromCb: Double
    let greenFromCr: Double
    let blueFromCb: Double

    init(depth: Int, fullRange: Bool, space: AVColorSpace) {
        let (kr, kb): (Double, Double)
        switch space {
        case AVCOL_SPC_BT709: (kr, kb) = (0.2126, 0.0722)
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: (kr, kb) = (0.2627, 0.0593)
        default: (kr, kb) = (0.299, 0.114)
        }
        let scale = Double(1 << (depth - 8))
        let top = Double((1 << depth) - 1)
        lumaOffset = fullRange ? 0 : 16 * scale
        lumaScale = fullRange ? 1 / top : 1 / (219 * scale)
        chromaMid = 128 * scale
        let chromaScale = fullRange ? 1 / top : 1 / (224 * scale)
        // r = y + 2 (1 - kr) cr, b = y + 2 (1 - kb) cb, g = (y - kr r - kb b) / (1 - kr - kb).
        let kg = 1 - kr - kb
        redFromCr = 2 * (1 - kr) * chromaScale
        blueFromCb = 2 * (1 - kb) * chromaScale
        greenFromCb = -kb * 2 * (1 - kb) / kg * chromaScale
        greenFromCr = -kr * 2 * (1 - kr) / kg * chromaScale
    }

    /// R'G'B' of code values (y, cb, cr), not clipped.
    @inline(__always)
    func rgb(y: Double, cb: Double, cr: Double) -> (Double, Double, Double) {
        let luma = (y - lumaOffset) * lumaScale
        let u = cb - chromaMid
        let v = cr - chromaMid
        return (luma + redFromCr * v, luma + greenFromCb * u + greenFromCr * v, luma + blueFromCb * u)
    }
}
