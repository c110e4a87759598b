import CFFmpeg

/// An open video stream with its decoder: the demux/decode loop shared by every frame selector.
///
/// Not `Sendable`; one instance per extraction.
final class VideoReader {
    let container: InputContainer
    let streamIndex: Int
    let decoder: CodecDecoder
    let timeBase: AVRational
    private let packet = Packet()
    private let scratch = Frame()
    /// Frames the decoder has produced so far.
    private(set) var decodedFrames = 0
    /// The largest picture this reader will decode.
    let pixelLimit: Int
    /// The end of the last displayed frame (pts + duration), when a demux pass has learnt it.
    var lastEnd: Int64? = nil

    var path: String { container.path }
    var stream: UnsafeMutablePointer<AVStream> { container.stream(streamIndex) }

    /// Opens `path`, picks its best video stream and opens a decoder for it.
    /// Refuses pictures above `pixelLimit` before the decoder allocates anything.
    /// - Parameter frameThreads: decode with frame threads (faster on several cores). FFmpeg 5.1 can then
    ///   hand out a frame whose worker failed without returning the error, so a caller that needs a confirmed
    ///   frame must also check `decoder.errorMessageCount` and fall back to a reader without frame threads.
    init(path: String, pixelLimit: Int, frameThreads: Bool = false) throws {
        self.pixelLimit = pixelLimit
        try ImageHeader.checkPixelLimit(path: path, limit: pixelLimit)
        let container = try InputContainer(path: path)
        self.container = container
        let needsInfo: Bool = {
            guard container.formatName.hasPrefix("mov,") else { return true }
            guard let v = container.bestStream(AVMEDIA_TYPE_VIDEO) else { return true }
            let par = container.stream(v).pointee.codecpar.pointee
            return par.width <= 0 || par.height <= 0
        }()
        if needsInfo { try container.findStreamInfo() }
        guard let v = container.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError.noStream(path: path, kind: "video")
        }
        streamIndex = v
        let st = container.stream(v)
        let par = st.pointee.codecpar.pointee
        let width = Int(par.width)
        let height = Int(par.height)
        if width <= 0 || height <= 0 {
            throw MediaError.unrecognizedFormat(path: path, reason: "cannot read a picture size from the video stream")
        }
        if width * height > pixelLimit {
            throw MediaError.tooManyPixels(path: path, width: width, height: height, limit: pixelLimit)
        }
        timeBase = st.pointee.time_base
        container.discardAll(except: [v])
        // Slice threads by default: with frame threads FFmpeg 5.1 loses the error of a frame decoded in a
        // worker (a corrupt last frame came back as if clean).
        decoder = try CodecDecoder(
            container: container, stream: v, threads: 0, threadType: frameThreads ? FF_THREAD_FRAME | FF_THREAD_SLICE : FF_THREAD_SLICE)
        decoder.context.pointee.max_pixels = Int64(pixelLimit)
        // Bitstream errors fail the decode instead of being concealed: a frame that cannot be
        // decoded cleanly must not be handed out as if it were the one asked for.
        decoder.context.pointee.err_recognition |= AV_EF_EXPLODE
    }

    /// Seeks to the keyframe at or before `timestamp` (stream time base) and clears the decoder.
    func seek(to timestamp: Int64) throws {
        try container.seek(stream: streamIndex, to: timestamp, backward: true)
        decoder.flush()
    }

    /// Reads video packets from the current position and decodes them.
    ///
    /// - Parameters:
    ///   - onPacket: sees every video packet before it is decoded.
    ///   - onFrame: sees every decoded frame; return false to stop.
    /// - Returns: true when the stream was decoded to its end, false when `onFrame` stopped it.
    @discardableResult
    func decode(onPacket: (Packet) -> Void = { _ in }, onFrame: (Frame) throws -> Bool) throws -> Bool {
        while try container.read(into: packet) {
            guard packet.streamIndex == streamIndex else { continue }
            onPacket(packet)
            if try !feed(packet, onFrame) { return false }
        }
        _ = try feed(nil, onFrame)
        return true
    }

    /// Reads the remaining video packets without decoding them.
    func demux(_ body: (Packet) -> Void) throws {
        while try container.read(into: packet) {
            guard packet.streamIndex == streamIndex else { continue }
            body(packet)
        }
    }

    /// Sends one packet (nil drains) and hands every frame that comes out to `onFrame`.
    /// Returns false when `onFrame` asked to stop or the decoder is drained.
    private func feed(_ packet: Packet?, _ onFrame: (Frame) throws -> Bool) throws -> Bool {
        while true {
            let accepted = try decoder.send(packet)
            while true {
                switch try decoder.receive(into: scratch) {
                case .frame:
                    decodedFrames += 1
                    let keepGoing = try onFrame(scratch)
                    scratch.unref()
                    if !keepGoing { return false }
                case .needsInput:
                    if accepted { return true }
                    // The packet was refused with EAGAIN; now that output was taken, send it again.
                    break
                case .endOfStream:
                    return false
                }
                if !accepted { break }
            }
        }
    }
}

extension Frame {
    /// The frame's timestamp: the best-effort timestamp, falling back to pts.
    var timestamp: Int64 {
        let t = pointer.pointee.best_effort_timestamp
        return t != cff_AV_NOPTS_VALUE ? t : pointer.pointee.pts
    }
}
