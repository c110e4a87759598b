import CFFmpeg

/// An owning wrapper around a `SwsContext`. Not `Sendable`.
final class Scaler {
    let context: OpaquePointer

    /// Creates a scaler; bicubic, the ffmpeg CLI's default for its scale filters.
    init(
        source: (width: Int, height: Int, format: AVPixelFormat), destination: (width: Int, height: Int, format: AVPixelFormat),
        flags: Int32 = SWS_BICUBIC, path: String
    ) throws {
        guard
            let ctx = sws_getContext(
                Int32(source.width), Int32(source.height), source.format, Int32(destination.width), Int32(destination.height),
                destination.format, flags, nil, nil, nil)
        else {
            let from = ffString(av_get_pix_fmt_name(source.format)) ?? "?"
            let to = ffString(av_get_pix_fmt_name(destination.format)) ?? "?"
            throw MediaError.decodeFailed(path: path, detail: "cannot convert \(from) \(source.width)x\(source.height) to \(to)")
        }
        context = ctx
    }

    deinit { sws_freeContext(context) }

    /// Sets the YUV->RGB matrix and input range the way the CLI's `scale=in_color_matrix=auto` does:
    /// the frame's own colorspace (unspecified falls back to BT.601) and its range when it is tagged.
    func useColorDetails(of frame: UnsafeMutablePointer<AVFrame>) {
        var invTable: UnsafeMutablePointer<Int32>? = nil
        var table: UnsafeMutablePointer<Int32>? = nil
        var srcRange: Int32 = 0
        var dstRange: Int32 = 0
        var brightness: Int32 = 0
        var contrast: Int32 = 0
        var saturation: Int32 = 0
        guard
            sws_getColorspaceDetails(context, &invTable, &srcRange, &table, &dstRange, &brightness, &contrast, &saturation) >= 0
        else { return }
        let coefficients = sws_getCoefficients(Int32(frame.pointee.colorspace.rawValue))
        if frame.pointee.color_range != AVCOL_RANGE_UNSPECIFIED {
            srcRange = frame.pointee.color_range == AVCOL_RANGE_JPEG ? 1 : 0
        }
        _ = sws_setColorspaceDetails(context, coefficients, srcRange, table, dstRange, brightness, contrast, saturation)
    }

    /// Converts `source` into one packed plane at `destination` with `stride` bytes per row (room for every row).
    func scale(_ source: UnsafeMutablePointer<AVFrame>, into destination: UnsafeMutablePointer<UInt8>, stride: Int) -> Int32 {
        var dstData: [UnsafeMutablePointer<UInt8>?] = [destination, nil, nil, nil]
        var dstStride: [Int32] = [Int32(stride), 0, 0, 0]
        return scale(source, dstData: &dstData, dstStride: &dstStride)
    }

    /// Converts `source` into `destination` (both allocated frames of the configured sizes and formats).
    func scale(_ source: UnsafeMutablePointer<AVFrame>, into destination: UnsafeMutablePointer<AVFrame>) throws -> Int32 {
        withUnsafePointer(to: &destination.pointee.data) { dstData in
            withUnsafePointer(to: &destination.pointee.linesize) { dstStride in
                scale(
                    source, dstData: UnsafeRawPointer(dstData).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self),
                    dstStride: UnsafeRawPointer(dstStride).assumingMemoryBound(to: Int32.self))
            }
        }
    }

    /// `sws_scale` of every row of `source` into the planes `dstData` with strides `dstStride`.
    private func scale(
        _ source: UnsafeMutablePointer<AVFrame>, dstData: UnsafePointer<UnsafeMutablePointer<UInt8>?>, dstStride: UnsafePointer<Int32>
    ) -> Int32 {
        let height = source.pointee.height
        return withUnsafePointer(to: &source.pointee.data) { srcData in
            withUnsafePointer(to: &source.pointee.linesize) { srcStride in
                let s = UnsafeRawPointer(srcData).assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
                let ss = UnsafeRawPointer(srcStride).assumingMemoryBound(to: Int32.self)
                return sws_scale(context, s, ss, 0, height, dstData, dstStride)
            }
        }
    }
}

/// Turns a decoded frame into the upright, display-size 8-bit RGB(A) picture a player shows.
enum PictureConverter {
    /// The converted picture and the rotation that was applied.
    struct Result {
        var image: PixelImage
        var rotation: Int
    }

    /// Converts `frame`: colour matrix and range from the frame, SAR applied to the width
    /// (`scale=iw*sar:ih`, truncated like the CLI), then the display matrix (frame side data first,
    /// then the stream's) applied to the RGB pixels. Alpha is kept when the pixel format has it.
    static func convert(_ frame: Frame, stream: UnsafeMutablePointer<AVStream>?, path: String, pixelLimit: Int) throws -> Result {
        let src = frame.pointer
        let width = frame.width
        let height = frame.height
        let format = frame.pixelFormat
        guard width > 0, height > 0, let desc = av_pix_fmt_desc_get(format) else {
            throw MediaError.decodeFailed(path: path, detail: "the decoder returned a frame without a picture")
        }
        let hasAlpha = desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0
        var sar = stream.map { $0.pointee.sample_aspect_ratio } ?? AVRational(num: 0, den: 1)
        if sar.num <= 0 || sar.den <= 0 { sar = src.pointee.sample_aspect_ratio }
        var displayWidth = width
        if sar.num > 0, sar.den > 0, sar.num != sar.den {
            let scaled = Int(Double(width) * Double(sar.num) / Double(sar.den))
            if scaled > 0 { displayWidth = scaled }
        }
        if displayWidth * height > pixelLimit {
            throw MediaError.tooManyPixels(path: path, width: displayWidth, height: height, limit: pixelLimit)
        }
        let outFormat = hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        let bpp = hasAlpha ? 4 : 3
        let scaler = try Scaler(
            source: (width, height, format), destination: (displayWidth, height, outFormat), path: path)
        scaler.useColorDetails(of: src)
        let rowBytes = displayWidth * bpp
        let pixels: [UInt8]
        let lines: Int32
        if rowBytes % 16 == 0 {
            // Rows land straight in the image's storage (16-byte aligned, as swscale's SIMD paths want); the padding
            // absorbs a vectorised write past the end of the last row.
            let padding = 64
            var direct = [UInt8](unsafeUninitializedCapacity: rowBytes * height + padding) { buffer, count in
                count = buffer.count
            }
            lines = direct.withUnsafeMutableBufferPointer { scaler.scale(src, into: $0.baseAddress!, stride: rowBytes) }
            direct.removeLast(padding)
            pixels = direct
        } else {
            let out = Frame()
            out.pointer.pointee.width = Int32(displayWidth)
            out.pointer.pointee.height = Int32(height)
            out.pointer.pointee.format = outFormat.rawValue
            try ffCheck(av_frame_get_buffer(out.pointer, 0), "av_frame_get_buffer", path: path)
            lines = try scaler.scale(src, into: out.pointer)
            var copied = [UInt8](repeating: 0, count: rowBytes * height)
            let stride = Int(out.pointer.pointee.linesize.0)
            let base = out.pointer.pointee.data.0!
            copied.withUnsafeMutableBytes { dst in
                for y in 0..<height {
                    (dst.baseAddress! + y * rowBytes).copyMemory(from: base + y * stride, byteCount: rowBytes)
                }
            }
            pixels = copied
        }
        if lines != Int32(height) {
            throw MediaError.decodeFailed(path: path, detail: "colour conversion produced \(lines) of \(height) rows")
        }
        let image = PixelImage(width: displayWidth, height: height, hasAlpha: hasAlpha, pixels: pixels)
        let matrix = displayMatrix(frame: frame, stream: stream)
        guard let matrix else { return Result(image: image, rotation: 0) }
        let transform = DisplayTransform(displayMatrix: matrix)
        return Result(image: transform.apply(to: image), rotation: transform.degrees)
    }

    /// The display matrix for a frame: its own side data (JPEG EXIF orientation), else the stream's.
    static func displayMatrix(frame: Frame, stream: UnsafeMutablePointer<AVStream>?) -> [Int32]? {
        if let m = cff_frame_display_matrix(frame.pointer) { return Array(UnsafeBufferPointer(start: m, count: 9)) }
        if let stream, let m = cff_stream_display_matrix(stream) { return Array(UnsafeBufferPointer(start: m, count: 9)) }
        return nil
    }
}
