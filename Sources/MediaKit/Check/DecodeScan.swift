import CFFmpeg

/// A full decode of one video stream, counting frames, errors and corrupt frames.
struct DecodeScan {
    var frames = 0
    var errors = 0
    var corrupt = 0
    var timestamps: [Int64] = []

    /// Opens `path` and decodes its stream `index` from the start.
    static func run(path: String, stream index: Int) throws -> DecodeScan {
        try run(container: try InputContainer(path: path), stream: index)
    }

    /// Decodes stream `index` of `container` from the current position to the end.
    /// - Parameter onFrame: sees every decoded frame after it is counted (it may take the picture).
    static func run(container: InputContainer, stream index: Int, onFrame: (Frame) -> Void = { _ in }) throws -> DecodeScan {
        container.discardAll(except: [index])
        let decoder = try CodecDecoder(container: container, stream: index)
        // Report damage instead of hiding it.
        decoder.context.pointee.err_recognition |= AV_EF_CRCCHECK | AV_EF_BITSTREAM
        var scan = DecodeScan()
        let packet = Packet()
        let frame = Frame()
        func drain() {
            while true {
                do {
                    switch try decoder.receive(into: frame) {
                    case .frame:
                        scan.frames += 1
                        if frame.isCorrupt { scan.corrupt += 1 }
                        scan.timestamps.append(frame.bestEffortTimestamp)
                        onFrame(frame)
                        frame.unref()
                    case .needsInput, .endOfStream: return
                    }
                } catch {
                    scan.errors += 1
                    return
                }
            }
        }
        while true {
            let more: Bool
            do {
                more = try container.read(into: packet)
            } catch {
                scan.errors += 1
                break
            }
            if !more { break }
            guard packet.streamIndex == index else { continue }
            if packet.isCorrupt { scan.corrupt += 1 }
            do {
                _ = try decoder.send(packet)
            } catch {
                scan.errors += 1
            }
            drain()
        }
        _ = try? decoder.send(nil)
        drain()
        return scan
    }
}
