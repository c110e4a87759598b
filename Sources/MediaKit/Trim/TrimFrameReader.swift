import CFFmpeg

/// Decodes the source's frames with presentation times in a range.
enum TrimFrameReader {
    /// Decodes the frames of `source` whose presentation time is in `range`, in presentation order, and hands
    /// each to `sink` (the frame is only valid during the call).
    /// - Returns: the number of frames handed over.
    @discardableResult
    static func frames(of source: TrimSource, in range: Range<Int64>, _ sink: (Frame) throws -> Void) throws -> Int {
        let container = try InputContainer(path: source.path)
        container.discardAll(except: [source.videoIndex])
        let decoder = try CodecDecoder(container: container, stream: source.videoIndex)
        // Start at the closest keyframe at or before the range (by the packet list, so no seek ambiguity).
        if let key = source.keyframes.last(where: { $0 <= range.lowerBound }), key > source.firstPts {
            // mov seeks by presentation time: the keyframe at or before `key` is `key` itself.
            try container.seek(stream: source.videoIndex, to: key, backward: true)
        }
        let packet = Packet()
        let frame = Frame()
        var count = 0
        var done = false
        func drain() throws {
            while !done {
                switch try decoder.receive(into: frame) {
                case .frame:
                    let pts = frame.bestEffortTimestamp
                    if frame.isCorrupt {
                        throw MediaError.decodeFailed(path: source.path, detail: "frame at pts \(pts) is corrupt")
                    }
                    if pts >= range.upperBound {
                        done = true
                    } else if pts >= range.lowerBound {
                        try sink(frame)
                        count += 1
                    }
                    frame.unref()
                case .needsInput, .endOfStream: return
                }
            }
        }
        while !done, try container.read(into: packet) {
            guard packet.streamIndex == source.videoIndex else { continue }
            while !(try decoder.send(packet)) { try drain() }
            try drain()
        }
        if !done {
            _ = try decoder.send(nil)
            try drain()
        }
        return count
    }
}
