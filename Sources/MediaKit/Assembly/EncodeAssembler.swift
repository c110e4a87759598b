import CFFmpeg

/// Re-encodes every segment's video with one libx264 encoder (scaled and padded to the target size,
/// resampled to the target frame rate), applying the seam policy; audio re-encoded once.
struct EncodeAssembler {
    let first: ConcatSegment
    let facts: [SegmentFacts]
    let reasons: [String]
    let settings: VideoEncodeSettings
    let seam: SeamPolicy
    let path: String
    let displayPath: String
    let audio: (rate: Int, channels: Int)?
    let audioBitRate: Int

    func run() throws -> ([ConcatReport.Segment], Int, Double) {
        try settings.validate(context: displayPath)
        let output = try OutputContainer(path: path)
        let video = try ConcatVideoEncoder(settings: settings, output: output)
        let audioEncoder = try audio.map {
            try ConcatAudioEncoder(output: output, sampleRate: $0.rate, channels: $0.channels, bitRate: audioBitRate)
        }
        let fps = settings.frameRate
        try output.writeHeader(
            fastStart: true,
            movieTimescale: Concatenator.movieTimescale(videoTimeBase: AVRational(num: Int32(fps.den), den: Int32(fps.num)), sampleRate: audio?.rate))
        let blend = { if case .crossfade(let n) = seam { return n } else { return 0 } }()
        var reports: [ConcatReport.Segment] = []
        var totalSamples = 0
        var held: [Frame] = []
        let packet = Packet()
        for (k, fact) in facts.enumerated() {
            let seg = k == 0 ? first : try ConcatSegment(path: fact.path)
            try seg.rewind()
            let tb = seg.timeBase
            let videoStart = Double(seg.startPts) * Double(tb.num) / Double(tb.den)
            let segAudio = try audio.map { try SegmentAudio(segment: seg, sampleRate: $0.rate, channels: $0.channels) }
            let frames = max(1, Int((seg.duration * fps.doubleValue).rounded()))
            let isLast = k == facts.count - 1
            let drop = (seam == .dropFirst && k > 0) ? 1 : 0
            if blend > 0 && facts.count > 1 && frames <= blend {
                throw MediaError.invalidArgument("\(seg.path): \(frames) frames is too short for a \(blend)-frame crossfade")
            }
            // Frames of this segment held back to blend with the next one.
            let holdBack = isLast ? 0 : blend
            let decoder = try CodecDecoder(container: seg.container, stream: seg.videoIndex)
            let picture = try SegmentPicture(segment: seg, settings: settings, path: displayPath)
            var emitted = 0
            var current: Frame?
            let decoded = Frame()
            func emit(_ frame: Frame) throws {
                defer { emitted += 1 }
                if emitted < drop { return }
                let index = emitted - drop
                var out = frame
                if index < held.count {
                    out = try Blend.mix(held[index], frame, weight: Double(index + 1) / Double(held.count + 1), path: displayPath)
                }
                if index == held.count - 1 || (held.count > 0 && index >= held.count) { held = [] }
                let remaining = frames - emitted  // frames of this segment still to come after this one
                if remaining <= holdBack {
                    held.append(try Blend.copy(out, path: displayPath))
                    return
                }
                try video.append(out)
            }
            func take(_ frame: Frame) throws {
                let t = Double(frame.bestEffortTimestamp - seg.startPts) * Double(tb.num) / Double(tb.den)
                // Output frame i (at i / fps) shows the newest source frame at or before it (half a frame's grace).
                while let cur = current, emitted < frames, Double(emitted) / fps.doubleValue < t - 0.5 / fps.doubleValue {
                    try emit(cur)
                }
                current = try picture.convert(frame)
            }
            while try seg.container.read(into: packet) {
                if packet.streamIndex == seg.audioIndex {
                    try segAudio?.decode(packet, videoStart: videoStart)
                    continue
                }
                guard packet.streamIndex == seg.videoIndex else { continue }
                _ = try decoder.send(packet)
                while try decoder.receive(into: decoded) == .frame {
                    defer { decoded.unref() }
                    if decoded.isCorrupt { throw MediaError.decodeFailed(path: seg.path, detail: "a video frame is corrupt") }
                    try take(decoded)
                }
            }
            _ = try decoder.send(nil)
            while try decoder.receive(into: decoded) == .frame {
                defer { decoded.unref() }
                try take(decoded)
            }
            try segAudio?.decode(nil, videoStart: videoStart)
            guard let last = current else { throw MediaError.decodeFailed(path: seg.path, detail: "no video frame decoded") }
            while emitted < frames { try emit(last) }
            let framesOut = frames - drop - holdBack
            if let audioEncoder, let segAudio {
                let rate = audioEncoder.sampleRate
                let end = Int((Double(video.frameCount + held.count) * Double(rate) / fps.doubleValue).rounded())
                let count = max(0, end - totalSamples)
                let skip = Int((Double(drop) * Double(rate) / fps.doubleValue).rounded())
                try audioEncoder.append(segAudio.samples(skip: skip, count: count))
                totalSamples += count
            }
            reports.append(
                ConcatReport.Segment(
                    path: fact.path, video: "reencoded", reason: reasons[k], framesIn: fact.frameCount, framesOut: framesOut,
                    reencodedFrames: framesOut,
                    videoDuration: fact.duration, hasAudio: fact.hasAudio))
        }
        try video.finish()
        try audioEncoder?.finish()
        try output.commit()
        let total = Double(video.frameCount) / fps.doubleValue
        return (reports, video.frameCount, total)
    }
}

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

    /// A new reference to the converted picture.
    func convert(_ frame: Frame) throws -> Frame {
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
