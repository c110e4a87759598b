import CFFmpeg
import Foundation

/// Converts one segment's decoded frames to the target size (fitted and padded with black) and pixel format.
final class SegmentPicture {
    private var scaler: ImageScaler?
    private var scalerKey: (format: Int32, width: Int32, height: Int32) = (-1, 0, 0)
    private var fit: (x: Int, y: Int, w: Int, h: Int) = (0, 0, 0, 0)
    let target: Frame
    let settings: VideoEncodeSettings
    let sar: AVRational
    let segmentPath: String
    let path: String

    init(segment: ConcatSegment, settings: VideoEncodeSettings, path: String) throws {
        self.path = path
        self.settings = settings
        segmentPath = segment.path
        var sar = segment.par.pointee.sample_aspect_ratio
        if sar.num <= 0 || sar.den <= 0 { sar = AVRational(num: 1, den: 1) }
        self.sar = sar
        let format = av_get_pix_fmt(settings.pixelFormat)
        target = Frame()
        let t = target.pointer
        t.pointee.format = format.rawValue
        t.pointee.width = Int32(settings.width)
        t.pointee.height = Int32(settings.height)
        if av_frame_get_buffer(t, 0) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate a \(settings.width)x\(settings.height) picture")
        }
        // Black (limited range) borders.
        let planes = ImageScaler.planes(target)
        let lines = ImageScaler.lineSizes(target)
        guard let desc = av_pix_fmt_desc_get(format) else { throw MediaError.invalidArgument("\(path): unknown pixel format") }
        for p in 0..<Int(desc.pointee.nb_components) where planes[p] != nil {
            let ph = p == 0 ? settings.height : settings.height >> Int(desc.pointee.log2_chroma_h)
            memset(planes[p]!, p == 0 ? 16 : 128, Int(lines[p]) * ph)
        }
    }

    /// Makes the scaler for frames like `frame` (format, size and colour of the decoded frame).
    private func prepare(for frame: Frame) throws {
        let f = frame.pointer.pointee
        if scaler != nil && scalerKey == (f.format, f.width, f.height) { return }
        let sw = Int(f.width)
        let sh = Int(f.height)
        let displayW = Double(sw) * Double(sar.num) / Double(sar.den)
        let scale = min(Double(settings.width) / displayW, Double(settings.height) / Double(sh))
        var w = min(settings.width, Int((displayW * scale).rounded()))
        var h = min(settings.height, Int((Double(sh) * scale).rounded()))
        w -= w % 2
        h -= h % 2
        w = max(2, w)
        h = max(2, h)
        fit = (((settings.width - w) / 2) & ~1, ((settings.height - h) / 2) & ~1, w, h)
        let made = try ImageScaler(
            source: AVPixelFormat(rawValue: f.format), sourceSize: (sw, sh),
            destination: AVPixelFormat(rawValue: target.pointer.pointee.format), destinationSize: (w, h),
            flags: SWS_BICUBIC | SWS_ACCURATE_RND, context: segmentPath)
        let srcSpace = f.colorspace == AVCOL_SPC_UNSPECIFIED ? (sh >= 720 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M) : f.colorspace
        let dstBT709 = ColorSpec(name: settings.colorSpace)?.isBT709 ?? true
        _ = sws_setColorspaceDetails(
            made.pointer, sws_getCoefficients(Int32(srcSpace.rawValue)), f.color_range == AVCOL_RANGE_JPEG ? 1 : 0,
            sws_getCoefficients(dstBT709 ? SWS_CS_ITU709 : SWS_CS_SMPTE170M), 0, 0, 1 << 16, 1 << 16)
        scaler = made
        scalerKey = (f.format, f.width, f.height)
    }

    /// A new reference to the converted picture, its picture area (not the borders) corrected by `colour` at
    /// `progress` of its ramp (Y'CbCr as the scaler writes it: the preset's matrix, limited range).
    func convert(_ frame: Frame, colour: FrameColourCorrector? = nil, progress: Double = 0) throws -> Frame {
        try prepare(for: frame)
        if av_frame_make_writable(target.pointer) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate a picture")
        }
        guard let scaler, let desc = av_pix_fmt_desc_get(AVPixelFormat(rawValue: target.pointer.pointee.format)) else {
            return target
        }
        let planes = ImageScaler.planes(target)
        let lines = ImageScaler.lineSizes(target)
        var dst: [UnsafeMutablePointer<UInt8>?] = []
        for p in 0..<4 {
            guard let base = planes[p] else {
                dst.append(nil)
                continue
            }
            let sx = p == 0 ? 0 : Int(desc.pointee.log2_chroma_w)
            let sy = p == 0 ? 0 : Int(desc.pointee.log2_chroma_h)
            dst.append(base + (fit.y >> sy) * Int(lines[p]) + (fit.x >> sx))
        }
        let n = scaler.scale(
            source: ImageScaler.planes(frame).map { UnsafePointer($0) }, sourceStrides: ImageScaler.lineSizes(frame),
            height: frame.height, destination: dst, destinationStrides: lines)
        if n <= 0 { throw MediaError.encodeFailed(path: path, detail: "scaling a frame of \(segmentPath) failed") }
        let encoding = PictureEncoding.ycbcr(bt709: ColorSpec(name: settings.colorSpace)?.isBT709 ?? true, fullRange: false)
        try colour?.apply(to: target, progress: progress, region: (fit.x, fit.y, fit.w, fit.h), encoding: encoding, path: path)
        let copy = Frame()
        av_frame_ref(copy.pointer, target.pointer)
        return copy
    }
}

/// Frame copies and cross-fades of 8-bit planar pictures.
enum Blend {
    static func copy(_ frame: Frame, path: String) throws -> Frame {
        let out = Frame()
        out.pointer.pointee.format = frame.pointer.pointee.format
        out.pointer.pointee.width = frame.pointer.pointee.width
        out.pointer.pointee.height = frame.pointer.pointee.height
        if av_frame_get_buffer(out.pointer, 0) < 0 || av_frame_copy(out.pointer, frame.pointer) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot copy a picture")
        }
        return out
    }

    /// `a * (1 - weight) + b * weight`, plane by plane.
    static func mix(_ a: Frame, _ b: Frame, weight: Double, path: String) throws -> Frame {
        let out = try copy(a, path: path)
        guard let desc = av_pix_fmt_desc_get(AVPixelFormat(rawValue: a.pointer.pointee.format)) else { return out }
        let w = Int((weight * 256).rounded())
        let pa = ImageScaler.planes(a)
        let pb = ImageScaler.planes(b)
        let po = ImageScaler.planes(out)
        let la = ImageScaler.lineSizes(a)
        let lb = ImageScaler.lineSizes(b)
        let lo = ImageScaler.lineSizes(out)
        for p in 0..<Int(desc.pointee.nb_components) {
            guard let ra = pa[p], let rb = pb[p], let ro = po[p] else { continue }
            let sx = p == 0 ? 0 : Int(desc.pointee.log2_chroma_w)
            let sy = p == 0 ? 0 : Int(desc.pointee.log2_chroma_h)
            let width = (a.width + (1 << sx) - 1) >> sx
            let height = (a.height + (1 << sy) - 1) >> sy
            for y in 0..<height {
                let rowA = ra + y * Int(la[p])
                let rowB = rb + y * Int(lb[p])
                let rowO = ro + y * Int(lo[p])
                for x in 0..<width {
                    rowO[x] = UInt8((Int(rowA[x]) * (256 - w) + Int(rowB[x]) * w + 128) >> 8)
                }
            }
        }
        return out
    }
}

/// One libx264 (or preset) encoder writing the output's only video stream; frame `i` at `i / frameRate`.
final class ConcatVideoEncoder {
    let encoder: CodecEncoder
    let streamIndex: Int
    let timeBase: AVRational
    let output: OutputContainer
    private(set) var frameCount = 0

    init(settings: VideoEncodeSettings, output: OutputContainer) throws {
        self.output = output
        let opened = try CodecEncoder.openVideo(
            settings, pixelFormat: av_get_pix_fmt(settings.pixelFormat), globalHeader: output.wantsGlobalHeader, path: output.path)
        encoder = opened.encoder
        timeBase = opened.timeBase
        streamIndex = try output.addStream(for: encoder, frameRate: settings.frameRate)
    }

    func append(_ frame: Frame) throws {
        frame.pointer.pointee.pts = Int64(frameCount)
        frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        frameCount += 1
        try encoder.encode(frame) { try write($0) }
    }

    func finish() throws {
        try encoder.encode(nil) { try write($0) }
    }

    private func write(_ packet: Packet) throws {
        if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = 1 }
        try output.write(packet, stream: streamIndex, from: timeBase)
    }
}
