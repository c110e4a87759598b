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
    private let video: WriterVideoTrack
    private let audio: WriterAudioTrack?

    /// Opens a writer; nothing appears at `path` until `finish()` succeeds.
    /// - Throws: `MediaError.invalidArgument` for settings that cannot be encoded (odd size for yuv420p,
    ///   unknown colour space, ...), `MediaError.encodeFailed` when the encoder refuses them,
    ///   `MediaError.outputFailed` when the folder is missing or not writable.
    public init(path: String, settings: VideoEncodeSettings) throws {
        FFmpegLibrary.ensureConfigured()
        self.path = path
        self.settings = settings
        try settings.validate(context: path)
        let pixelFormat = try WriterVideoTrack.pixelFormat(settings, path: path)
        output = try OutputContainer(path: path)
        video = try WriterVideoTrack(settings: settings, pixelFormat: pixelFormat, output: output)
        if let audioSettings = settings.audio {
            audio = try WriterAudioTrack(settings: audioSettings, output: output)
        } else {
            audio = nil
        }
        try output.writeHeader(fastStart: true, movieTimescale: Self.movieTimescale(settings))
    }

    /// A movie time scale in which both track ends are exact (see `OutputContainer.movieTimescale`).
    static func movieTimescale(_ settings: VideoEncodeSettings) -> Int? {
        let rate = settings.frameRate
        return OutputContainer.movieTimescale(
            videoTimeBase: AVRational(num: Int32(clamping: rate.den), den: Int32(clamping: rate.num)), sampleRate: settings.audio?.sampleRate)
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
