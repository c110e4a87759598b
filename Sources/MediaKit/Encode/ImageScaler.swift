import CFFmpeg

/// An owning wrapper around a `SwsContext` (libswscale). Not `Sendable`.
final class ImageScaler {
    let pointer: OpaquePointer

    /// A scaler from `source` pixels at `sourceSize` to `destination` pixels at `destinationSize`.
    ///
    /// The ranges are set before the context is initialised (as FFmpeg's scale filter does): swscale only
    /// takes its unscaled fast paths, which copy values without range conversion, when the ranges match.
    /// - Parameters:
    ///   - sourceFullRange: true for full-range (JPEG) YUV input; RGB input is full range anyway.
    ///   - destinationFullRange: true for full-range output (RGB); false for limited-range YUV.
    init(
        source: AVPixelFormat, sourceSize: (Int, Int), destination: AVPixelFormat, destinationSize: (Int, Int),
        flags: Int32, sourceFullRange: Bool = true, destinationFullRange: Bool = true, context: String
    ) throws {
        func refused() -> MediaError {
            let from = ffString(av_get_pix_fmt_name(source)) ?? "?"
            let to = ffString(av_get_pix_fmt_name(destination)) ?? "?"
            return MediaError.invalidArgument(
                "\(context): cannot convert \(sourceSize.0)x\(sourceSize.1) \(from) to \(destinationSize.0)x\(destinationSize.1) \(to)")
        }
        guard let ctx = sws_alloc_context() else { throw refused() }
        let raw = UnsafeMutableRawPointer(ctx)
        let values: [(String, Int64)] = [
            ("sws_flags", Int64(flags)), ("srcw", Int64(sourceSize.0)), ("srch", Int64(sourceSize.1)),
            ("src_format", Int64(source.rawValue)), ("dstw", Int64(destinationSize.0)), ("dsth", Int64(destinationSize.1)),
            ("dst_format", Int64(destination.rawValue)), ("src_range", sourceFullRange ? 1 : 0),
            ("dst_range", destinationFullRange ? 1 : 0),
        ]
        for (key, value) in values where av_opt_set_int(raw, key, value, 0) < 0 {
            sws_freeContext(ctx)
            throw refused()
        }
        if sws_init_context(ctx, nil, nil) < 0 {
            sws_freeContext(ctx)
            throw refused()
        }
        pointer = ctx
    }

    deinit { sws_freeContext(pointer) }

    /// Makes the RGB to YUV conversion use the BT.709 or BT.601 matrix and write limited-range YUV.
    func setRGBToLimitedYUV(bt709: Bool) {
        let table = sws_getCoefficients(bt709 ? SWS_CS_ITU709 : SWS_CS_SMPTE170M)
        // Source (RGB, full range) uses the default table; it is not used for RGB input.
        _ = sws_setColorspaceDetails(pointer, sws_getCoefficients(SWS_CS_DEFAULT), 1, table, 0, 0, 1 << 16, 1 << 16)
    }

    /// YUV to limited-range YUV: converts the range when the source is full range (the matrix is kept).
    func setYUVToLimitedYUV(sourceFullRange: Bool, bt709: Bool) {
        let table = sws_getCoefficients(bt709 ? SWS_CS_ITU709 : SWS_CS_SMPTE170M)
        _ = sws_setColorspaceDetails(pointer, table, sourceFullRange ? 1 : 0, table, 0, 0, 1 << 16, 1 << 16)
    }

    /// Keeps full-range RGB on both sides of an RGB to RGB scale.
    func setRGBToRGB() {
        let table = sws_getCoefficients(SWS_CS_DEFAULT)
        _ = sws_setColorspaceDetails(pointer, table, 1, table, 1, 0, 1 << 16, 1 << 16)
    }

    /// Converts one whole picture. Arrays hold up to 4 plane pointers and line sizes.
    func scale(
        source: [UnsafePointer<UInt8>?], sourceStrides: [Int32], height: Int,
        destination: [UnsafeMutablePointer<UInt8>?], destinationStrides: [Int32]
    ) -> Int32 {
        let src = source + [UnsafePointer<UInt8>?](repeating: nil, count: max(0, 4 - source.count))
        let srcStride = sourceStrides + [Int32](repeating: 0, count: max(0, 4 - sourceStrides.count))
        let dst = destination + [UnsafeMutablePointer<UInt8>?](repeating: nil, count: max(0, 4 - destination.count))
        let dstStride = destinationStrides + [Int32](repeating: 0, count: max(0, 4 - destinationStrides.count))
        return sws_scale(pointer, src, srcStride, 0, Int32(height), dst, dstStride)
    }

    /// Converts a whole frame into another (both allocated, same sizes as the scaler's).
    func scale(_ source: Frame, into destination: Frame) -> Int32 {
        scale(
            source: Self.planes(source).map { UnsafePointer($0) }, sourceStrides: Self.lineSizes(source),
            height: source.height, destination: Self.planes(destination), destinationStrides: Self.lineSizes(destination))
    }

    /// The first four data plane pointers of a frame.
    static func planes(_ frame: Frame) -> [UnsafeMutablePointer<UInt8>?] {
        let d = frame.pointer.pointee.data
        return [d.0, d.1, d.2, d.3]
    }

    /// The first four line sizes of a frame.
    static func lineSizes(_ frame: Frame) -> [Int32] {
        let l = frame.pointer.pointee.linesize
        return [l.0, l.1, l.2, l.3]
    }
}
