import CFFmpeg
import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// The fast colour application: a 65-node 3D table read with tetrahedral interpolation, on pictures (R'G'B')
/// and on decoded Y'CbCr frames in place, against the exact per-pixel CIELAB mapping.
@Suite struct ColourApplyTests {
    /// Corrections of the kinds the chain estimates (per-channel gain and offset), a strong one, and a full 3x3 map.
    static let transfers: [LabTransfer] = [
        LabTransfer(matrix: [1.12, 0, 0, 0, 0.9, 0, 0, 0, 1.1], offset: [-6, 4, -5]),
        LabTransfer(matrix: [1.3, 0, 0, 0, 1.4, 0, 0, 0, 1.4], offset: [-15, 3, 8]),
        LabTransfer(matrix: [0.95, 0.05, -0.03, 0.02, 1.1, 0.08, -0.04, 0.06, 0.9], offset: [4, -2, 3]),
    ]

    static func randomImage(width: Int, height: Int, seed: UInt64) -> PixelImage {
        var rng = SplitMix64(seed: seed)
        let pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return PixelImage(width: width, height: height, hasAlpha: false, pixels: pixels)
    }

    /// The largest and the mean absolute difference between two byte sequences, and the share within one code.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> (max: Int, mean: Double, withinOne: Double) {
        var worst = 0
        var sum = 0
        var close = 0
        for (x, y) in zip(a, b) {
            let d = abs(Int(x) - Int(y))
            worst = max(worst, d)
            sum += d
            if d <= 1 { close += 1 }
        }
        let n = Double(max(1, a.count))
        return (worst, Double(sum) / n, Double(close) / n)
    }

    /// On random pictures (every corner of the R'G'B' cube), the table gives the exact per-pixel mapping within
    /// one code for 99.5% of the components (most are equal), 4 codes at worst, under 0.08 code on average.
    @Test(arguments: [0.25, 0.5, 1.0])
    func pictureTableMatchesExactMapping(_ progress: Double) {
        for (n, transfer) in Self.transfers.enumerated() {
            let image = Self.randomImage(width: 96, height: 64, seed: UInt64(n + 1))
            let fast = transfer.apply(to: image, progress: progress)
            let exact = transfer.applyExactly(to: image, progress: progress)
            let d = Self.difference(fast.pixels, exact.pixels)
            #expect(d.max <= 4, "transfer \(n), progress \(progress): max \(d.max)")
            #expect(d.mean <= 0.08, "transfer \(n), progress \(progress): mean \(d.mean)")
            #expect(d.withinOne >= 0.995, "transfer \(n), progress \(progress): \(d.withinOne) within one code")
            // And it did change the picture.
            #expect(Self.difference(fast.pixels, image.pixels).mean > 2)
        }
    }

    /// The identity, and progress 0 (or less), leave a picture bit-identical.
    @Test func pictureIdentityAndZeroProgressChangeNothing() {
        let image = Self.randomImage(width: 33, height: 17, seed: 7)
        #expect(LabTransfer.identity.apply(to: image, progress: 1) == image)
        #expect(Self.transfers[1].apply(to: image, progress: 0) == image)
        #expect(Self.transfers[1].apply(to: image, progress: -1) == image)
        #expect(Self.transfers[1].apply(to: image, progress: .nan) == image)
    }

    /// A planar 8-bit frame of in-gamut colours: random R'G'B' per pixel, luma per pixel, chroma the mean of its
    /// block, in `encoding`.
    /// With `smooth`, R'G'B' is instead a smooth pattern (slow sinusoids over the picture) plus uniform noise of
    /// that amplitude, as in camera or generated video.
    static func frame(
        width: Int, height: Int, format: AVPixelFormat, encoding: PictureEncoding, seed: UInt64, smooth: Double? = nil
    ) throws -> Frame {
        let frame = Frame()
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        try #require(av_frame_get_buffer(frame.pointer, 0) >= 0)
        guard let shift = ColourRamp.chromaShift(of: format) else { return frame }
        var rng = SplitMix64(seed: seed)
        let planes = ImageScaler.planes(frame)
        let lines = ImageScaler.lineSizes(frame).map(Int.init)
        let (y, cb, cr) = (planes[0]!, planes[1]!, planes[2]!)
        for cy in 0..<((height + (1 << shift.y) - 1) >> shift.y) {
            for cx in 0..<((width + (1 << shift.x) - 1) >> shift.x) {
                var sum = (0.0, 0.0)
                var n = 0.0
                for py in (cy << shift.y)..<min(height, (cy + 1) << shift.y) {
                    for px in (cx << shift.x)..<min(width, (cx + 1) << shift.x) {
                        let rgb = (0..<3).map { k in
                            guard let noise = smooth else { return Double.random(in: 0...1, using: &rng) }
                            let wave = 0.5 + 0.45 * sin(Double(px) / (37 + 5 * Double(k)) + Double(py) / (43 - 7 * Double(k)) + Double(k))
                            return min(1, max(0, wave + Double.random(in: -noise...noise, using: &rng)))
                        }
                        let c = encoding.codes(rgb[0], rgb[1], rgb[2])
                        y[py * lines[0] + px] = UInt8(min(255, max(0, c.0)).rounded())
                        sum = (sum.0 + c.1, sum.1 + c.2)
                        n += 1
                    }
                }
                cb[cy * lines[1] + cx] = UInt8(min(255, max(0, sum.0 / n)).rounded())
                cr[cy * lines[2] + cx] = UInt8(min(255, max(0, sum.1 / n)).rounded())
            }
        }
        return frame
    }

    /// The three planes' visible bytes.
    static func bytes(_ frame: Frame) -> [[UInt8]] {
        let planes = ImageScaler.planes(frame)
        let lines = ImageScaler.lineSizes(frame).map(Int.init)
        let shift = ColourRamp.chromaShift(of: frame.pixelFormat) ?? (0, 0)
        return (0..<3).map { p in
            let w = p == 0 ? frame.width : (frame.width + (1 << shift.x) - 1) >> shift.x
            let h = p == 0 ? frame.height : (frame.height + (1 << shift.y) - 1) >> shift.y
            return (0..<h).flatMap { row in Array(UnsafeBufferPointer(start: planes[p]! + row * lines[p], count: w)) }
        }
    }

    /// The exact mapping of a planar frame's bytes: each luma pixel mapped with its block's chroma, the block's
    /// chroma the rounded mean of its pixels' mapped chroma.
    static func exact(
        _ planes: [[UInt8]], width: Int, height: Int, shift: (x: Int, y: Int), transfer: LabTransfer, progress: Double,
        encoding: PictureEncoding
    ) -> [[UInt8]] {
        var out = planes
        let cw = (width + (1 << shift.x) - 1) >> shift.x
        func byte(_ v: Double) -> UInt8 { UInt8(min(255, max(0, v)).rounded()) }
        for cy in 0..<((height + (1 << shift.y) - 1) >> shift.y) {
            for cx in 0..<cw {
                let cb = Double(planes[1][cy * cw + cx])
                let cr = Double(planes[2][cy * cw + cx])
                var sum = (0.0, 0.0)
                var n = 0.0
                for py in (cy << shift.y)..<min(height, (cy + 1) << shift.y) {
                    for px in (cx << shift.x)..<min(width, (cx + 1) << shift.x) {
                        let c = ColourRamp.exact(
                            Double(planes[0][py * width + px]), cb, cr, transfer: transfer, progress: progress, encoding: encoding)
                        out[0][py * width + px] = byte(c.0)
                        sum = (sum.0 + min(255, max(0, c.1)), sum.1 + min(255, max(0, c.2)))
                        n += 1
                    }
                }
                out[1][cy * cw + cx] = byte(sum.0 / n)
                out[2][cy * cw + cx] = byte(sum.1 / n)
            }
        }
        return out
    }

    /// Decoded 4:2:0, 4:2:2 and 4:4:4 frames (odd sizes, both matrices, both ranges from the frame's tags)
    /// corrected in place agree with the exact per-pixel mapping (98% of the samples within one code, 4 codes
    /// at worst, under 0.15 code on average).
    @Test(arguments: [
        (AV_PIX_FMT_YUV420P, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG), (AV_PIX_FMT_YUV420P, AVCOL_SPC_SMPTE170M, AVCOL_RANGE_JPEG),
        (AV_PIX_FMT_YUVJ420P, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_UNSPECIFIED), (AV_PIX_FMT_YUV422P, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG),
        (AV_PIX_FMT_YUV444P, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_MPEG),
    ])
    func frameTableMatchesExactMapping(_ format: AVPixelFormat, _ space: AVColorSpace, _ range: AVColorRange) throws {
        let (width, height) = (67, 41)
        let probe = Frame()
        probe.pointer.pointee.format = format.rawValue
        probe.pointer.pointee.colorspace = space
        probe.pointer.pointee.color_range = range
        let encoding = PictureEncoding(frame: probe)
        let shift = try #require(ColourRamp.chromaShift(of: format))
        for (n, transfer) in Self.transfers.enumerated() {
            let frame = try Self.frame(width: width, height: height, format: format, encoding: encoding, seed: UInt64(10 + n))
            frame.pointer.pointee.colorspace = space
            frame.pointer.pointee.color_range = range
            let before = Self.bytes(frame)
            try FrameColourCorrector(transfer).apply(to: frame, progress: 0.8, path: "test")
            let fast = Self.bytes(frame)
            let exact = Self.exact(before, width: width, height: height, shift: shift, transfer: transfer, progress: 0.8, encoding: encoding)
            Self.expectClose(fast, exact, max: 4, mean: 0.15, withinOne: 0.98, "transfer \(n)")
            #expect(Self.difference(fast[0], before[0]).mean > 2)
        }
    }

    /// On smooth 4:2:0 pictures with noise (nearly every block narrow enough for the one-lookup path), corrected
    /// frames agree with the exact per-pixel mapping about as closely as pixel by pixel lookups do: measured, the
    /// mild transfers within one code nearly everywhere (2 at worst, mean under 0.05), the strong one (transfer 1)
    /// 4 codes at worst in Cb, mean under 0.22, 97.7% within one (one lookup per pixel: 4, 0.18 and 97.5%).
    @Test(arguments: [(AVCOL_SPC_BT709, AVCOL_RANGE_MPEG), (AVCOL_SPC_SMPTE170M, AVCOL_RANGE_JPEG)])
    func smoothFrameBlocksMatchExactMapping(_ space: AVColorSpace, _ range: AVColorRange) throws {
        let (width, height) = (131, 77)
        let probe = Frame()
        probe.pointer.pointee.colorspace = space
        probe.pointer.pointee.color_range = range
        let encoding = PictureEncoding(frame: probe)
        for (n, transfer) in Self.transfers.enumerated() {
            let frame = try Self.frame(
                width: width, height: height, format: AV_PIX_FMT_YUV420P, encoding: encoding, seed: UInt64(20 + n), smooth: 0.012)
            frame.pointer.pointee.colorspace = space
            frame.pointer.pointee.color_range = range
            let before = Self.bytes(frame)
            // Most 2x2 blocks take the one-lookup path.
            var narrow = 0
            for cy in 0..<(height / 2) {
                for cx in 0..<(width / 2) {
                    let block = [0, 1, width, width + 1].map { Int(before[0][2 * cy * width + 2 * cx + $0]) }
                    if (block.max() ?? 0) - (block.min() ?? 0) <= ColourLUT.blockSpread { narrow += 1 }
                }
            }
            #expect(Double(narrow) >= 0.9 * Double((height / 2) * (width / 2)), "transfer \(n): \(narrow) narrow blocks")
            for progress in [0.3, 0.8] {
                try FrameColourCorrector(transfer).apply(to: frame, progress: progress, path: "test")
                let fast = Self.bytes(frame)
                let exact = Self.exact(
                    before, width: width, height: height, shift: (1, 1), transfer: transfer, progress: progress, encoding: encoding)
                Self.expectClose(fast, exact, max: 4, mean: 0.25, withinOne: 0.97, "transfer \(n), progress \(progress)")
                #expect(Self.difference(fast[0], before[0]).mean > 1)
                Self.restore(frame, before)
            }
        }
    }

    /// Expects each plane of `fast` within `max` codes of `exact`, `mean` codes on average, and at least the share
    /// `withinOne` of its codes within one.
    static func expectClose(
        _ fast: [[UInt8]], _ exact: [[UInt8]], max: Int, mean: Double, withinOne: Double, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for p in 0..<3 {
            let d = difference(fast[p], exact[p])
            #expect(d.max <= max, "\(label) plane \(p): max \(d.max)", sourceLocation: sourceLocation)
            #expect(d.mean <= mean, "\(label) plane \(p): mean \(d.mean)", sourceLocation: sourceLocation)
            #expect(d.withinOne >= withinOne, "\(label) plane \(p): \(d.withinOne) within one code", sourceLocation: sourceLocation)
        }
    }

    /// Writes `planes` (as `bytes` reads them) back into `frame`.
    static func restore(_ frame: Frame, _ planes: [[UInt8]]) {
        let pointers = ImageScaler.planes(frame)
        let lines = ImageScaler.lineSizes(frame).map(Int.init)
        let shift = ColourRamp.chromaShift(of: frame.pixelFormat) ?? (0, 0)
        for p in 0..<3 {
            let w = p == 0 ? frame.width : (frame.width + (1 << shift.x) - 1) >> shift.x
            let h = planes[p].count / max(1, w)
            for row in 0..<h {
                for col in 0..<w { pointers[p]![row * lines[p] + col] = planes[p][row * w + col] }
            }
        }
    }

    /// The frame's tags choose the matrix and range; BT.601 when the matrix is not tagged (as frames are extracted).
    @Test func encodingFollowsTheFrameTags() {
        func encoding(_ format: AVPixelFormat, _ space: AVColorSpace, _ range: AVColorRange, height: Int32 = 1080) -> PictureEncoding {
            let f = Frame()
            f.pointer.pointee.format = format.rawValue
            f.pointer.pointee.height = height
            f.pointer.pointee.colorspace = space
            f.pointer.pointee.color_range = range
            return PictureEncoding(frame: f)
        }
        #expect(encoding(AV_PIX_FMT_YUV420P, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG) == .ycbcr(bt709: true, fullRange: false))
        #expect(encoding(AV_PIX_FMT_YUV420P, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_UNSPECIFIED) == .ycbcr(bt709: false, fullRange: false))
        #expect(encoding(AV_PIX_FMT_YUV420P, AVCOL_SPC_BT470BG, AVCOL_RANGE_JPEG) == .ycbcr(bt709: false, fullRange: true))
        #expect(encoding(AV_PIX_FMT_YUVJ420P, AVCOL_SPC_BT709, AVCOL_RANGE_UNSPECIFIED) == .ycbcr(bt709: true, fullRange: true))
        // The two matrices really differ: the same codes give other colours.
        let a = PictureEncoding.ycbcr(bt709: true, fullRange: false).rgb(120, 90, 170)
        let b = PictureEncoding.ycbcr(bt709: false, fullRange: false).rgb(120, 90, 170)
        #expect(abs(a.0 - b.0) + abs(a.1 - b.1) + abs(a.2 - b.2) > 0.05)
    }

    /// The identity and progress 0 leave a frame bit-identical; a region leaves the pixels outside it alone.
    @Test func frameIdentityZeroProgressAndRegion() throws {
        let encoding = PictureEncoding.ycbcr(bt709: true, fullRange: false)
        let frame = try Self.frame(width: 64, height: 32, format: AV_PIX_FMT_YUV420P, encoding: encoding, seed: 3)
        let before = Self.bytes(frame)
        try FrameColourCorrector(.identity).apply(to: frame, progress: 1, path: "test")
        try FrameColourCorrector(Self.transfers[1]).apply(to: frame, progress: 0, path: "test")
        #expect(Self.bytes(frame) == before)
        try FrameColourCorrector(Self.transfers[1]).apply(to: frame, progress: 1, region: (16, 8, 32, 16), path: "test")
        let after = Self.bytes(frame)
        for row in 0..<32 {
            for col in 0..<64 {
                let inside = (16..<48).contains(col) && (8..<24).contains(row)
                if !inside { #expect(after[0][row * 64 + col] == before[0][row * 64 + col], "(\(col), \(row))") }
            }
        }
        #expect(after[0][12 * 64 + 20] != before[0][12 * 64 + 20] || after[1][6 * 32 + 10] != before[1][6 * 32 + 10])
        #expect(after[1][0] == before[1][0] && after[2][31] == before[2][31])
    }

    /// Mapping a frame in bands on several threads gives the same bytes as on one.
    @Test func bandsGiveTheSameFrame() throws {
        let encoding = PictureEncoding.ycbcr(bt709: true, fullRange: false)
        let one = try Self.frame(width: 160, height: 300, format: AV_PIX_FMT_YUV420P, encoding: encoding, seed: 5)
        let three = try Self.frame(width: 160, height: 300, format: AV_PIX_FMT_YUV420P, encoding: encoding, seed: 5)
        try FrameColourCorrector(Self.transfers[0]).apply(to: one, progress: 0.7, path: "test")
        try FrameColourCorrector(Self.transfers[0], bands: 3).apply(to: three, progress: 0.7, path: "test")
        #expect(Self.bytes(one) == Self.bytes(three))
    }

    /// A pixel format the table cannot read is refused with its name.
    @Test func otherPixelFormatsAreRefused() throws {
        let frame = Frame()
        frame.pointer.pointee.format = AV_PIX_FMT_YUV420P10LE.rawValue
        frame.pointer.pointee.width = 16
        frame.pointer.pointee.height = 16
        try #require(av_frame_get_buffer(frame.pointer, 0) >= 0)
        do {
            try FrameColourCorrector(Self.transfers[0]).apply(to: frame, progress: 1, path: "clip.mp4")
            Issue.record("expected an error")
        } catch let error as MediaError {
            #expect(error.path == "clip.mp4")
            #expect(error.description.contains("yuv420p10le"))
        }
    }
}
