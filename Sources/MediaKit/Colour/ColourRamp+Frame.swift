import CFFmpeg
import Foundation

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

    /// Maps `frame`'s pixels in place through `table` (one of this ramp's), in the luma rectangle `region` (nil:
    /// the whole picture); the frame's buffer must be writable.
    /// - Throws: `MediaError.encodeFailed` naming `path` for a pixel format other than 8-bit planar Y'CbCr.
    /// - Parameter bands: horizontal bands mapped at the same time on that many threads (1: this thread only).
    func apply(
        to frame: Frame, table: ColourLUT, region: (x: Int, y: Int, width: Int, height: Int)? = nil, bands: Int = 1, path: String
    ) throws {
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
        guard bands > 1, r.height >= 64 * bands else { return table.apply(to: picture, region: r) }
        // Bands of whole chroma rows.
        let unit = 1 << shift.y
        let rows = (r.height + unit - 1) / unit
        let all = r
        // The bands touch disjoint rows of the planes.
        nonisolated(unsafe) let shared = picture
        DispatchQueue.concurrentPerform(iterations: bands) { k in
            let first = all.y + rows * k / bands * unit
            let last = min(all.y + all.height, all.y + rows * (k + 1) / bands * unit)
            table.apply(to: shared, region: (all.x, first, all.width, last - first))
        }
    }
}
