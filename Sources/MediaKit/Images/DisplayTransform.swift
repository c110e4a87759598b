import CFFmpeg

/// A lossless re-arrangement of pixels (quarter turns and flips) that makes a picture upright.
///
/// Output pixel (row, col) is taken from source pixel (srcRow, srcCol), where for a transposing
/// transform (srcRow, srcCol) starts as (col, row), and then `reverseRows`/`reverseCols` mirror
/// the source coordinates. The cases follow the filters `fftools/ffmpeg_filter.c` (FFmpeg 5.1)
/// inserts for a display matrix: `transpose=clock|cclock|clock_flip|cclock_flip`, `hflip`, `vflip`.
struct DisplayTransform: Equatable, Sendable {
    var transpose = false
    var reverseRows = false
    var reverseCols = false
    /// The clockwise rotation in degrees the display matrix asks for (0, 90, 180, 270).
    var degrees = 0

    static let identity = DisplayTransform(transpose: false, reverseRows: false, reverseCols: false, degrees: 0)

    /// The transform for a display matrix (9 x Int32, 16.16 fixed point), the way the ffmpeg CLI autorotates.
    /// Angles that are not quarter turns are left unrotated.
    init(displayMatrix m: [Int32]) {
        precondition(m.count == 9)
        let angle = m.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress!) }
        var theta = -angle.rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        if abs(theta - 90) < 1 {
            // transpose=cclock_flip when m[3] > 0, else transpose=clock.
            self.init(transpose: true, reverseRows: m[3] <= 0, reverseCols: false, degrees: 90)
        } else if abs(theta - 180) < 1 {
            self.init(transpose: false, reverseRows: m[4] < 0, reverseCols: m[0] < 0, degrees: 180)
        } else if abs(theta - 270) < 1 {
            // transpose=clock_flip when m[3] < 0, else transpose=cclock.
            self.init(transpose: true, reverseRows: m[3] < 0, reverseCols: true, degrees: 270)
        } else if abs(theta) < 1 {
            // Mirror images (EXIF orientations 2 and 4) carry a flip without a turn.
            self.init(transpose: false, reverseRows: m[4] < 0, reverseCols: m[0] < 0, degrees: 0)
        } else {
            self.init(transpose: false, reverseRows: false, reverseCols: false, degrees: 0)
        }
    }

    init(transpose: Bool, reverseRows: Bool, reverseCols: Bool, degrees: Int) {
        self.transpose = transpose
        self.reverseRows = reverseRows
        self.reverseCols = reverseCols
        self.degrees = degrees
    }

    /// True when the transform moves no pixel.
    var isIdentity: Bool { !transpose && !reverseRows && !reverseCols }

    /// Applies the transform to an image.
    func apply(to image: PixelImage) -> PixelImage {
        if isIdentity { return image }
        let w = image.width
        let h = image.height
        let bpp = image.bytesPerPixel
        let outW = transpose ? h : w
        let outH = transpose ? w : h
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<outH {
                    let rowBase = r * outW * bpp
                    for c in 0..<outW {
                        var sr = transpose ? c : r
                        var sc = transpose ? r : c
                        if reverseRows { sr = h - 1 - sr }
                        if reverseCols { sc = w - 1 - sc }
                        let s = (sr * w + sc) * bpp
                        let d = rowBase + c * bpp
                        for k in 0..<bpp { dst[d + k] = src[s + k] }
                    }
                }
            }
        }
        return PixelImage(width: outW, height: outH, hasAlpha: image.hasAlpha, pixels: out)
    }
}
