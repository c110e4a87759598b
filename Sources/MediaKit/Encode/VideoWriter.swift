import CFFmpeg
import Foundation

/// Writes an MP4 (or MOV) file from RGB pictures and float audio samples: H.264 through libx264 and AAC
/// through FFmpeg's native encoder, with the index (moov) first for fast start.
///
/// Frame `i` is shown at `i / frameRate`, so `N` appended frames give exactly `N` frames and a video
/// duration of `N / frameRate`. Output goes to a temporary file next to `path` and is renamed into place by
/// `finish()`; a writer that is dropped without `finish()`, or that failed, deletes its temporary file and
/// leaves nothing at `path` (an existing file there is untouched). Memory stays flat: pictures are encoded as
/// they arrive and audio is queued only up to one AAC frame.
///
/// Not `Sendable`: use each writer from one task.
public final class VideoWriter {
    /// The destination path.
    public let path: String
    /// The settings the file is encoded with.
    public let settings: VideoEncodeSettings
    /// The number of pictures appended so far.
    public private(set) var frameCount = 0
    /// The number of audio samples (per channel) appended so far.
    public private(set) var audioSampleCount = 0

    private enum State {
        case open
        case finished
        case failed(MediaError)
    }

    private var state = State.open
    private let output: OutputContainer
    private let video: VideoTrack
    private let audio: AudioTrack?

    /// Opens a writer; nothing appears at `path` until `finish()` succeeds.
    /// - Throws: `MediaError.invalidArgument` for settings that cannot be encoded (odd size for yuv420p,
    ///   unknown colour space, ...), `MediaError.encodeFailed` when the encoder refuses them,
    ///   `MediaError.outputFailed` when the folder is missing or not writable.
    public init(path: String, settings: VideoEncodeSettings) throws {
        FFmpegLibrary.ensureConfigured()
        self.path = path
        self.settings = settings
        try settings.validate(context: path)
        let pixelFormat = try VideoTrack.pixelFormat(settings, path: path)
        output = try OutputContainer(path: path)
        video = try VideoTrack(settings: settings, pixelFormat: pixelFormat, output: output)
        if let audioSettings = settings.audio {
            audio = try AudioTrack(settings: audioSettings, output: output)
        } else {
            audio = nil
        }
        try output.writeHeader(fastStart: true, movieTimescale: Self.movieTimescale(settings))
    }

    /// A movie time scale in which both track ends are exact, so the edit lists (in movie units) cut
    /// nothing: movenc's default of 1000 would round a 242000-sample AAC track down to 5.041 s.
    /// nil (the default) when the common multiple does not fit in 32 bits.
    static func movieTimescale(_ settings: VideoEncodeSettings) -> Int? {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        // movenc's choice for a video track: the time base denominator, doubled until it reaches 10000.
        var video = settings.frameRate.num / gcd(settings.frameRate.num, settings.frameRate.den)
        while video < 10000 { video *= 2 }
        var scale = video
        if let audio = settings.audio { scale = scale / gcd(scale, audio.sampleRate) * audio.sampleRate }
        return scale <= Int(Int32.max) ? scale : nil
    }

    /// Encodes one picture as the next frame.
    /// - Parameter image: RGB or RGBA (alpha is ignored), exactly `settings.width` x `settings.height`.
    /// - Throws: `MediaError.invalidArgument` for a picture of the wrong size (the writer stays usable);
    ///   `MediaError.encodeFailed` when encoding or writing fails (the writer is then unusable).
    public func append(_ image: PixelImage) throws {
        try checkOpen()
        guard image.width == settings.width, image.height == settings.height else {
            throw MediaError.invalidArgument(
                "\(path): picture \(frameCount) is \(image.width)x\(image.height), the video is \(settings.width)x\(settings.height)")
        }
        try guarded { try video.append(image, index: Int64(frameCount), output: output) }
        frameCount += 1
    }

    /// Encodes a decoded picture as the next frame: for MediaKit's own re-encoding, where pictures come
    /// from a decoder and need no trip through RGB.
    ///
    /// A limited-range frame in the encoder's pixel format and size is encoded as it is; any other is converted with
    /// libswscale (size, chroma layout and range; YUV is taken to use `settings.colorSpace`'s matrix).
    /// The frame's own timestamp and picture type are ignored: it becomes frame `frameCount`.
    func append(decoded frame: Frame) throws {
        try checkOpen()
        try guarded { try video.append(decoded: frame, index: Int64(frameCount), output: output) }
        frameCount += 1
    }

    /// Queues audio samples and encodes every full AAC frame they complete.
    ///
    /// Append audio alongside the pictures (say one picture's worth at a time): the muxer interleaves the
    /// two streams and holds packets of one until the other catches up.
    /// - Parameter samples: interleaved float samples in [-1, 1] (values outside are clipped, NaN becomes 0),
    ///   `settings.audio.channels` per instant.
    /// - Throws: `MediaError.invalidArgument` when the settings have no audio or the count is not a multiple
    ///   of the channel count; `MediaError.encodeFailed` when encoding fails.
    public func appendAudio(_ samples: [Float]) throws {
        try checkOpen()
        guard let audio else {
            throw MediaError.invalidArgument("\(path): audio was appended but the settings have no audio")
        }
        guard samples.count % audio.channels == 0 else {
            throw MediaError.invalidArgument(
                "\(path): \(samples.count) audio samples is not a multiple of \(audio.channels) channels")
        }
        try guarded { try audio.append(samples, output: output) }
        audioSampleCount += samples.count / audio.channels
    }

    /// Queues a decoded audio frame (float, planar or interleaved, at the settings' rate and channel count):
    /// for MediaKit's own re-encoding. Other sample formats and rates are refused (no resampler is linked).
    func appendAudio(decoded frame: Frame) throws {
        try checkOpen()
        guard let audio else {
            throw MediaError.invalidArgument("\(path): audio was appended but the settings have no audio")
        }
        var count = 0
        try guarded { count = try audio.append(decoded: frame, output: output) }
        audioSampleCount += count
    }

    /// Flushes the encoders, writes the index before the media data and renames the file to `path`.
    /// - Returns: `path`.
    /// - Throws: `MediaError.encodeFailed` when no picture was appended, when the settings have audio but no
    ///   samples were appended, or when encoding fails;
    ///   `MediaError.outputFailed` when the file cannot be completed; nothing is then left at `path`.
    @discardableResult
    public func finish() throws -> String {
        try checkOpen()
        guard frameCount > 0 else {
            let error = MediaError.encodeFailed(path: path, detail: "no pictures were appended")
            state = .failed(error)
            throw error
        }
        guard audio == nil || audioSampleCount > 0 else {
            // movenc would silently drop the empty track; a file without the audio asked for is not whole.
            let error = MediaError.encodeFailed(path: path, detail: "the settings ask for audio but no audio samples were appended")
            state = .failed(error)
            throw error
        }
        try guarded {
            try video.flush(output: output)
            try audio?.flush(output: output)
            try output.commit()
        }
        state = .finished
        return path
    }

    private func checkOpen() throws {
        switch state {
        case .open: return
        case .finished: throw MediaError.invalidArgument("\(path): the writer is already finished")
        case .failed(let error): throw MediaError.encodeFailed(path: path, detail: "the writer failed earlier: \(error)")
        }
    }

    /// Runs `body`; any error but a refused argument (thrown before anything was encoded) makes the writer
    /// unusable (its temporary file is deleted on deinit).
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as MediaError {
            if case .invalidArgument = error { throw error }
            state = .failed(error)
            throw error
        } catch {
            let wrapped = MediaError.encodeFailed(path: path, detail: "\(error)")
            state = .failed(wrapped)
            throw wrapped
        }
    }
}

/// The video half of a `VideoWriter`: RGB to YUV conversion and the H.264 encoder.
private final class VideoTrack {
    let encoder: CodecEncoder
    let streamIndex: Int
    let timeBase: AVRational
    let width: Int
    let height: Int
    let bt709: Bool
    let yuv = Frame()
    /// The picture copied into FFmpeg-allocated (aligned, padded) memory, one per input layout.
    var source = Frame()
    var scaler: ImageScaler?
    var scalerHasAlpha = false
    /// The converter for decoded pictures in another format, size or range, and the (format, width, height,
    /// range) it is for.
    var decodedScaler: ImageScaler?
    var decodedScalerKey: [Int] = []

    /// The encoder pixel format, checked against the size (4:2:0 needs even width and height).
    static func pixelFormat(_ settings: VideoEncodeSettings, path: String) throws -> AVPixelFormat {
        let format = av_get_pix_fmt(settings.pixelFormat)
        guard format != AV_PIX_FMT_NONE, let desc = av_pix_fmt_desc_get(format) else {
            throw MediaError.invalidArgument("\(path): unknown pixel format \"\(settings.pixelFormat)\"")
        }
        let xStep = 1 << Int(desc.pointee.log2_chroma_w)
        let yStep = 1 << Int(desc.pointee.log2_chroma_h)
        if settings.width % xStep != 0 || settings.height % yStep != 0 {
            let which =
                settings.width % xStep != 0 && settings.height % yStep != 0
                ? "width and height" : settings.width % xStep != 0 ? "width" : "height"
            throw MediaError.invalidArgument(
                "\(path): video size \(settings.width)x\(settings.height) cannot be encoded as \(settings.pixelFormat): "
                    + "the \(which) must be even")
        }
        return format
    }

    init(settings: VideoEncodeSettings, pixelFormat: AVPixelFormat, output: OutputContainer) throws {
        width = settings.width
        height = settings.height
        bt709 = ColorSpec(name: settings.colorSpace)?.isBT709 ?? true
        let opened = try CodecEncoder.openVideo(
            settings, pixelFormat: pixelFormat, globalHeader: output.wantsGlobalHeader, path: output.path)
        encoder = opened.encoder
        timeBase = opened.timeBase
        let ctx = encoder.context
        let reduced = opened.frameRate
        streamIndex = try output.addStream(for: encoder, frameRate: Rational(reduced))

        yuv.pointer.pointee.format = pixelFormat.rawValue
        yuv.pointer.pointee.width = Int32(width)
        yuv.pointer.pointee.height = Int32(height)
        yuv.pointer.pointee.color_range = AVCOL_RANGE_MPEG
        yuv.pointer.pointee.color_primaries = ctx.pointee.color_primaries
        yuv.pointer.pointee.color_trc = ctx.pointee.color_trc
        yuv.pointer.pointee.colorspace = ctx.pointee.colorspace
        if av_frame_get_buffer(yuv.pointer, 0) < 0 {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
        }
    }

    func append(_ image: PixelImage, index: Int64, output: OutputContainer) throws {
        try prepareSource(hasAlpha: image.hasAlpha, path: output.path)
        // Copy the rows into the padded source frame (swscale's SIMD readers may read past a row's end).
        let rowBytes = width * image.bytesPerPixel
        let stride = Int(source.pointer.pointee.linesize.0)
        guard let base = source.pointer.pointee.data.0 else {
            throw MediaError.encodeFailed(path: output.path, detail: "picture buffer missing")
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                (base + y * stride).update(from: pixels.baseAddress! + y * rowBytes, count: rowBytes)
            }
        }
        if av_frame_make_writable(yuv.pointer) < 0 {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
        }
        let lines = scaler!.scale(source, into: yuv)
        if lines != Int32(height) {
            throw MediaError.encodeFailed(path: output.path, detail: "RGB to YUV conversion failed (\(lines))")
        }
        yuv.pointer.pointee.pts = index
        try encoder.encode(yuv) { packet in try self.write(packet, output: output) }
    }

    func append(decoded frame: Frame, index: Int64, output: OutputContainer) throws {
        let f = frame.pointer
        guard f.pointee.width > 0, f.pointee.height > 0, f.pointee.format >= 0 else {
            throw MediaError.invalidArgument("\(output.path): picture \(index) is not a decoded video frame")
        }
        let picture: Frame
        let sameLayout = f.pointee.format == yuv.pointer.pointee.format && Int(f.pointee.width) == width && Int(f.pointee.height) == height
        if sameLayout && f.pointee.color_range != AVCOL_RANGE_JPEG {
            picture = Frame()
            if av_frame_ref(picture.pointer, f) < 0 {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot reference picture \(index)")
            }
        } else {
            let format = AVPixelFormat(rawValue: f.pointee.format)
            let size = (Int(f.pointee.width), Int(f.pointee.height))
            let key = [Int(format.rawValue), size.0, size.1, Int(f.pointee.color_range.rawValue)]
            if decodedScaler == nil || decodedScalerKey != key {
                let fullRange = f.pointee.color_range == AVCOL_RANGE_JPEG || Self.isFullRangeFormat(format) || Self.isRGB(format)
                let scaler = try ImageScaler(
                    source: format, sourceSize: size, destination: AVPixelFormat(rawValue: yuv.pointer.pointee.format),
                    destinationSize: (width, height), flags: SWS_BICUBIC | SWS_ACCURATE_RND, sourceFullRange: fullRange,
                    destinationFullRange: false, context: output.path)
                scaler.setYUVToLimitedYUV(sourceFullRange: fullRange, bt709: bt709)
                decodedScaler = scaler
                decodedScalerKey = key
            }
            if av_frame_make_writable(yuv.pointer) < 0 {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate a \(width)x\(height) picture")
            }
            let lines = decodedScaler!.scale(frame, into: yuv)
            if lines != Int32(height) {
                throw MediaError.encodeFailed(path: output.path, detail: "picture \(index) conversion failed (\(lines))")
            }
            picture = yuv
        }
        picture.pointer.pointee.pts = index
        // libx264 turns an input I picture into a keyframe: the source's GOP must not leak into ours.
        picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        picture.pointer.pointee.key_frame = 0
        try encoder.encode(picture) { packet in try self.write(packet, output: output) }
    }

    /// True for RGB layouts (always full range).
    static func isRGB(_ format: AVPixelFormat) -> Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    }

    /// The deprecated full-range "J" formats that carry their range in the format instead of the tag.
    static func isFullRangeFormat(_ format: AVPixelFormat) -> Bool {
        [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P].contains(format)
    }

    func flush(output: OutputContainer) throws {
        try encoder.encode(nil) { packet in try self.write(packet, output: output) }
    }

    private func write(_ packet: Packet, output: OutputContainer) throws {
        if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = 1 }
        try output.write(packet, stream: streamIndex, from: timeBase)
    }

    private func prepareSource(hasAlpha: Bool, path: String) throws {
        if scaler != nil && scalerHasAlpha == hasAlpha { return }
        let format = hasAlpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24
        let frame = Frame()
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        if av_frame_get_buffer(frame.pointer, 0) < 0 {
            throw MediaError.encodeFailed(path: path, detail: "cannot allocate a \(width)x\(height) picture")
        }
        let newScaler = try ImageScaler(
            source: format, sourceSize: (width, height), destination: AVPixelFormat(rawValue: yuv.pointer.pointee.format),
            destinationSize: (width, height), flags: SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, sourceFullRange: true,
            destinationFullRange: false, context: path)
        newScaler.setRGBToLimitedYUV(bt709: bt709)
        source = frame
        scaler = newScaler
        scalerHasAlpha = hasAlpha
    }
}

/// The audio half of a `VideoWriter`: a sample FIFO feeding the AAC encoder in whole frames.
private final class AudioTrack {
    let encoder: CodecEncoder
    let streamIndex: Int
    let channels: Int
    let sampleRate: Int
    let frameSize: Int
    let fifo: OpaquePointer
    let frame = Frame()
    /// The pts of the next sample queued (the number of samples queued so far).
    var nextPts: Int64 = 0
    /// The newest encoded packet, held back so the last one's duration can be made exact at the end.
    let pending = Packet()
    var hasPending = false
    /// Planar scratch space for de-interleaving one chunk.
    var planar: [Float] = []
    static let chunk = 4096

    init(settings: AudioEncodeSettings, output: OutputContainer) throws {
        channels = settings.channels
        sampleRate = settings.sampleRate
        encoder = try CodecEncoder(name: "aac", path: output.path)
        let ctx = encoder.context
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = Int32(settings.sampleRate)
        av_channel_layout_uninit(&ctx.pointee.ch_layout)
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(settings.channels))
        ctx.pointee.bit_rate = Int64(settings.bitRate)
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(settings.sampleRate))
        ctx.pointee.thread_count = 1
        if output.wantsGlobalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try encoder.open(describing: "\(settings.sampleRate) Hz, \(settings.channels) channels, \(settings.bitRate) b/s")
        frameSize = ctx.pointee.frame_size > 0 ? Int(ctx.pointee.frame_size) : 1024
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, Int32(channels), Int32(frameSize)) else {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot allocate the audio queue")
        }
        self.fifo = fifo
        streamIndex = try output.addStream(for: encoder)
    }

    deinit { av_audio_fifo_free(fifo) }

    func append(_ samples: [Float], output: OutputContainer) throws {
        let total = samples.count / channels
        var done = 0
        while done < total {
            let n = min(Self.chunk, total - done)
            if planar.count < n * channels { planar = [Float](repeating: 0, count: Self.chunk * channels) }
            samples.withUnsafeBufferPointer { src in
                planar.withUnsafeMutableBufferPointer { dst in
                    for c in 0..<channels {
                        let plane = dst.baseAddress! + c * n
                        var i = (done * channels) + c
                        for s in 0..<n {
                            // NaN or infinity would make the AAC encoder refuse the frame; louder than
                            // full scale would clip in any player anyway.
                            let x = src[i]
                            plane[s] = x.isFinite ? Swift.max(-1, Swift.min(1, x)) : 0
                            i += channels
                        }
                    }
                }
            }
            let written = planar.withUnsafeMutableBufferPointer { dst -> Int32 in
                var planes: [UnsafeMutableRawPointer?] = (0..<channels).map { UnsafeMutableRawPointer(dst.baseAddress! + $0 * n) }
                return planes.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(n)) }
            }
            if written < Int32(n) {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot queue audio samples")
            }
            done += n
            while Int(av_audio_fifo_size(fifo)) >= frameSize {
                try encodeQueued(frameSize, output: output)
            }
        }
    }

    /// Queues a decoded audio frame (planar or interleaved float at the track's rate and channel count).
    /// Returns the number of samples per channel it held.
    func append(decoded frame: Frame, output: OutputContainer) throws -> Int {
        let f = frame.pointer
        let n = Int(f.pointee.nb_samples)
        guard Int(f.pointee.sample_rate) == sampleRate, Int(f.pointee.ch_layout.nb_channels) == channels else {
            throw MediaError.invalidArgument(
                "\(output.path): decoded audio is \(f.pointee.sample_rate) Hz with \(f.pointee.ch_layout.nb_channels) channels, "
                    + "the track is \(sampleRate) Hz with \(channels)")
        }
        guard n > 0 else { return 0 }
        switch AVSampleFormat(rawValue: f.pointee.format) {
        case AV_SAMPLE_FMT_FLTP:
            let written = UnsafeMutableRawPointer(f.pointee.extended_data).withMemoryRebound(
                to: UnsafeMutableRawPointer?.self, capacity: channels
            ) { av_audio_fifo_write(fifo, $0, Int32(n)) }
            if written < Int32(n) {
                throw MediaError.encodeFailed(path: output.path, detail: "cannot queue audio samples")
            }
            while Int(av_audio_fifo_size(fifo)) >= frameSize {
                try encodeQueued(frameSize, output: output)
            }
        case AV_SAMPLE_FMT_FLT:
            let samples = UnsafeRawPointer(f.pointee.data.0!).withMemoryRebound(to: Float.self, capacity: n * channels) {
                [Float](UnsafeBufferPointer(start: $0, count: n * channels))
            }
            try append(samples, output: output)
        default:
            let name = ffString(av_get_sample_fmt_name(AVSampleFormat(rawValue: f.pointee.format))) ?? "unknown"
            throw MediaError.invalidArgument("\(output.path): decoded audio in sample format \(name) is not float; convert it first")
        }
        return n
    }

    /// Encodes what is left (a short last frame, which the encoder pads) and drains the encoder.
    func flush(output: OutputContainer) throws {
        let left = Int(av_audio_fifo_size(fifo))
        if left > 0 { try encodeQueued(left, output: output) }
        try encoder.encode(nil) { packet in try self.write(packet, output: output) }
        guard hasPending else { return }
        // The encoder's own duration for the last packet can miss a few samples (FFmpeg 5.1 gives 304 for a
        // final 336-sample frame); the samples appended are known, so the track ends exactly after them.
        let p = pending.pointer
        let end = nextPts - p.pointee.pts
        if end > 0 && end <= Int64(frameSize) { p.pointee.duration = end }
        hasPending = false
        try output.write(pending, stream: streamIndex, from: encoder.context.pointee.time_base)
    }

    /// Writes the packet held back before and holds back `packet` (its data is moved, not copied).
    private func write(_ packet: Packet, output: OutputContainer) throws {
        if hasPending {
            hasPending = false
            try output.write(pending, stream: streamIndex, from: encoder.context.pointee.time_base)
        }
        av_packet_move_ref(pending.pointer, packet.pointer)
        hasPending = true
    }

    private func encodeQueued(_ count: Int, output: OutputContainer) throws {
        let f = frame.pointer
        try encoder.prepareAudioFrame(frame, samples: count)
        let read = UnsafeMutableRawPointer(f.pointee.extended_data).withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: channels) {
            av_audio_fifo_read(fifo, $0, Int32(count))
        }
        if read != Int32(count) {
            throw MediaError.encodeFailed(path: output.path, detail: "cannot read queued audio samples")
        }
        f.pointee.pts = nextPts
        nextPts += Int64(count)
        try encoder.encode(frame) { packet in try self.write(packet, output: output) }
    }
}
