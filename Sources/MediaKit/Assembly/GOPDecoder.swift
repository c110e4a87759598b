import CFFmpeg

/// A GOP of a segment decoded as its packets are read: every frame goes to `onFrame` as soon as the decoder
/// hands it over (in display order, pts set to the best-effort timestamp; the frame is reused afterwards).
final class GOPDecoder {
    private let decoder: CodecDecoder
    private let decoded = Frame()
    private let onFrame: (Frame) throws -> Void
    private(set) var packetCount = 0
    private(set) var frameCount = 0
    private(set) var done = false
    private var lastPts = Int64.min
    let path: String
    /// "first GOP" or "last GOP", for errors.
    let part: String

    /// - Parameter threads: decoder threads (0: FFmpeg's choice).
    init(segment: ConcatSegment, part: String, threads: Int32 = 0, onFrame: @escaping (Frame) throws -> Void) throws {
        path = segment.path
        self.part = part
        self.onFrame = onFrame
        decoder = try CodecDecoder(container: segment.container, stream: segment.videoIndex, threads: threads)
    }

    func add(_ packet: Packet) throws {
        packetCount += 1
        _ = try decoder.send(packet)
        try receive()
    }

    private func receive() throws {
        while try decoder.receive(into: decoded) == .frame {
            defer { decoded.unref() }
            if decoded.isCorrupt { throw MediaError.decodeFailed(path: path, detail: "a frame of the \(part) is corrupt") }
            let pts = decoded.bestEffortTimestamp
            guard pts != cff_AV_NOPTS_VALUE, pts > lastPts else {
                throw MediaError.decodeFailed(path: path, detail: "the frames of the \(part) are not decoded in display order")
            }
            lastPts = pts
            decoded.pointer.pointee.pts = pts
            frameCount += 1
            try onFrame(decoded)
        }
    }

    /// Drains the decoder.
    func finish() throws {
        _ = try decoder.send(nil)
        try receive()
        done = true
    }
}
