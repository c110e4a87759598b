import CFFmpeg

/// Decoded audio frames as planar float samples at a given channel count.
enum AudioSamples {
    /// Samples `range` of the decoded `frame` as `channels` planes of float. Channels are copied when the counts
    /// match, a mono source is spread to every channel, several are averaged into mono, and otherwise output
    /// channel c takes source channel min(c, last).
    /// - Throws: `MediaError.decodeFailed` naming `path` for a sample format that is not 8, 16 or 32-bit
    ///   integer, float or double.
    static func planes(of frame: Frame, range: Range<Int>, channels: Int, path: String) throws -> [[Float]] {
        let f = frame.pointer.pointee
        let available = Int(f.nb_samples)
        let inChannels = Int(f.ch_layout.nb_channels)
        let lo = max(0, min(range.lowerBound, available))
        let hi = max(lo, min(range.upperBound, available))
        var planes = [[Float]](repeating: [], count: channels)
        guard hi > lo, inChannels > 0, channels > 0, let data = f.extended_data else { return planes }
        let format = AVSampleFormat(rawValue: f.format)
        let planar = av_sample_fmt_is_planar(format) != 0
        let bytes = Int(av_get_bytes_per_sample(format))
        let read: (UnsafeRawPointer) -> Float
        switch av_get_packed_sample_fmt(format) {
        case AV_SAMPLE_FMT_FLT: read = { $0.loadUnaligned(as: Float.self) }
        case AV_SAMPLE_FMT_DBL: read = { Float($0.loadUnaligned(as: Double.self)) }
        case AV_SAMPLE_FMT_S16: read = { Float($0.loadUnaligned(as: Int16.self)) / 32768 }
        case AV_SAMPLE_FMT_S32: read = { Float(Double($0.loadUnaligned(as: Int32.self)) / 2_147_483_648) }
        case AV_SAMPLE_FMT_U8: read = { (Float($0.load(as: UInt8.self)) - 128) / 128 }
        default:
            let name = ffString(av_get_sample_fmt_name(format)) ?? "\(f.format)"
            throw MediaError.decodeFailed(path: path, detail: "audio sample format \(name) is not supported")
        }
        /// The samples of source channel `c`.
        func source(_ c: Int) -> [Float] {
            var out = [Float](repeating: 0, count: hi - lo)
            guard let base = planar ? data[c] : data[0] else { return out }
            let step = planar ? bytes : bytes * inChannels
            let start = UnsafeRawPointer(base) + (planar ? 0 : c * bytes)
            for i in lo..<hi { out[i - lo] = read(start + i * step) }
            return out
        }
        if inChannels == channels || inChannels == 1 || channels > 1 {
            var cache: [Int: [Float]] = [:]
            for c in 0..<channels {
                let sc = inChannels == 1 ? 0 : min(c, inChannels - 1)
                if cache[sc] == nil { cache[sc] = source(sc) }
                planes[c] = cache[sc] ?? []
            }
        } else {
            var sum = [Float](repeating: 0, count: hi - lo)
            for c in 0..<inChannels {
                let s = source(c)
                for i in sum.indices { sum[i] += s[i] }
            }
            let n = Float(inChannels)
            planes[0] = sum.map { $0 / n }
        }
        return planes
    }
}
