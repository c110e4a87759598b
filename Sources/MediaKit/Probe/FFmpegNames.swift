import CFFmpeg

// The names ffprobe prints for FFmpeg enums and codes.

/// The four-character code as ffprobe's `codec_tag_string` spells it; nil for 0.
func fourCC(_ tag: UInt32) -> String? {
    if tag == 0 { return nil }
    var text = ""
    for shift in stride(from: 0, to: 32, by: 8) {
        let c = UInt8((tag >> UInt32(shift)) & 0xFF)
        let scalar = Unicode.Scalar(c)
        let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x20 || c == 0x2D
        text += ok ? String(Character(scalar)) : "[\(c)]"
    }
    return text
}

func validRational(_ r: AVRational) -> Rational? {
    r.num > 0 && r.den > 0 ? Rational(r) : nil
}

func pixelFormatName(_ format: AVPixelFormat) -> String? {
    format == AV_PIX_FMT_NONE ? nil : ffString(av_get_pix_fmt_name(format))
}

func pixelDepth(_ name: String) -> Int? {
    let format = av_get_pix_fmt(name)
    guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else { return nil }
    return Int(desc.pointee.comp.0.depth)
}

func pixelFormatHasAlpha(_ name: String) -> Bool {
    let format = av_get_pix_fmt(name)
    guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else { return false }
    return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0
}

func colorRangeName(_ value: AVColorRange) -> String? {
    value == AVCOL_RANGE_UNSPECIFIED ? nil : ffString(av_color_range_name(value))
}

func colorSpaceName(_ value: AVColorSpace) -> String? {
    value == AVCOL_SPC_UNSPECIFIED ? nil : ffString(av_color_space_name(value))
}

func colorPrimariesName(_ value: AVColorPrimaries) -> String? {
    value == AVCOL_PRI_UNSPECIFIED ? nil : ffString(av_color_primaries_name(value))
}

func colorTransferName(_ value: AVColorTransferCharacteristic) -> String? {
    value == AVCOL_TRC_UNSPECIFIED ? nil : ffString(av_color_transfer_name(value))
}

/// The layout as ffprobe prints it; nil when only the channel count is known.
func describeLayout(_ layout: UnsafePointer<AVChannelLayout>) -> String? {
    if layout.pointee.order == AV_CHANNEL_ORDER_UNSPEC { return nil }
    var buffer = [CChar](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBufferPointer { av_channel_layout_describe(layout, $0.baseAddress, $0.count) }
    if n < 0 { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
