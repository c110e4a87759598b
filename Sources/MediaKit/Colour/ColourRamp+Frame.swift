import CFFmpeg

extension ColourRamp {
    /// The decoded pixel formats a correction can be applied to in place (8-bit planar Y'CbCr).
    static func chromaShift(of format: AVPixelFormat) -> (x: Int, y: Int)? {
        switch format {
        case AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P: return (1, 1)
        case AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUVJ422P: return (1, 0)
        case AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUVJ444P: return (0, 0)
        default: return nil
        }
    }

    /// Corrects `frame`'s pixels in place at `progress` of the ramp (nothing when that changes nothing), in the
    /// luma rectangle `region` (nil: the whole picture); the frame's buffer must be writable.
    /// - Throws: `MediaError.encodeFailed` naming `path` for a pixel format other than 8-bit planar Y'CbCr.
    func apply(to frame: Frame, progress: Double, region: (x: Int, y: Int, width: Int, height: Int)? = nil, path: String) throws {
        guard !isIdentity(at: progress) else { return }
        let format = frame.pixelFormat
        guard let shift = Self.chromaShift(of: format) else {
            let name = ffString(av_get_pix_fmt_name(format)) ?? "\(format.rawValue)"
            throw MediaError.encodeFailed(
                path: path, detail: "a colour correction needs 8-bit 4:2:0, 4:2:2 or 4:4:4 planar video, not \(name)")
        }
        let planes = ImageScaler.planes(frame)
        let lines = ImageScaler.lineSizes(frame)
        guard let y = planes[0], let cb = planes[1], let cr = planes[2], lines[0] > 0, lines[1] > 0, lines[1] == lines[2] else {
            throw MediaError.encodeFailed(path: path, detail: "a decoded picture has no writable planes for the colour correction")
        }
        let picture = PlanarPicture(
            luma: y, cb: cb, cr: cr, lumaStride: Int(lines[0]), chromaStride: Int(lines[1]), chromaShift: shift)
        let whole = (x: 0, y: 0, width: frame.width, height: frame.height)
        var r = region ?? whole
        // Clip to the picture, the origin on a chroma block.
        r.x = (max(0, r.x) >> shift.x) << shift.x
        r.y = (max(0, r.y) >> shift.y) << shift.y
        r.width = min(r.width, frame.width - r.x)
        r.height = min(r.height, frame.height - r.y)
        table(progress: progress).apply(to: picture, region: r)
    }
}
