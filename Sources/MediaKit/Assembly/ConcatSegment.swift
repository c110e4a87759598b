import CFFmpeg
import Foundation

/// One input segment, opened and described for concatenation: its video parameters (for the stream-copy
/// compatibility check), its visible frames and video duration, and its audio stream if any.
final class ConcatSegment {
    let path: String
    let container: InputContainer
    let videoIndex: Int
    let audioIndex: Int?
    let timeBase: AVRational
    /// The smallest displayed pts and the end (max pts + duration) of the displayed frames, in `timeBase`.
    let startPts: Int64
    let endPts: Int64
    /// Displayed frames (index entries not hidden by an edit list).
    let frameCount: Int
    /// Index entries hidden by the edit list.
    let hiddenCount: Int
    let firstEntryIsKeyframe: Bool
    /// Keyframe positions (indices of displayed frames in decode order) and the DTS of the last keyframe.
    let keyframeIndices: [Int]
    /// The DTS of each keyframe (index timestamps), in order.
    let keyframeDts: [Int64]
    let lastKeyframeDts: Int64
    let frameRate: AVRational

    init(path: String) throws {
        self.path = path
        do {
            container = try InputContainer(path: path)
        } catch MediaError.unrecognizedFormat(let p, let reason) {
            let size = (try? MediaFile.checkReadable(path)) ?? 0
            if let better = FileHeaders.mp4OpenFailure(path: path, fileSize: size) { throw better }
            throw MediaError.unrecognizedFormat(path: p, reason: reason)
        }
        guard container.formatName.contains("mp4") || container.formatName.contains("mov") else {
            throw MediaError.invalidArgument("\(path): concat needs MP4/MOV segments, this is \(container.formatName)")
        }
        guard let v = container.bestStream(AVMEDIA_TYPE_VIDEO) else { throw MediaError.noStream(path: path, kind: "video") }
        videoIndex = v
        audioIndex = container.bestStream(AVMEDIA_TYPE_AUDIO)
        let st = container.stream(v)
        timeBase = st.pointee.time_base
        frameRate = st.pointee.avg_frame_rate
        let entries = container.indexEntries(stream: v)
        guard !entries.isEmpty else { throw MediaError.decodeFailed(path: path, detail: "the video stream has no frames") }
        let size = container.fileSize
        if entries.contains(where: { $0.pos + Int64($0.size) > size }) {
            throw MediaError.truncated(path: path, detail: "the sample index points past the end of the file")
        }
        let visible = entries.filter { !$0.isDiscarded }
        frameCount = visible.count
        hiddenCount = entries.count - visible.count
        firstEntryIsKeyframe = entries[0].isKeyframe && !entries[0].isDiscarded
        keyframeIndices = visible.indices.filter { visible[$0].isKeyframe }
        keyframeDts = keyframeIndices.map { visible[$0].timestamp }
        lastKeyframeDts = visible.last(where: { $0.isKeyframe })?.timestamp ?? entries[0].timestamp
        guard frameCount > 0 else { throw MediaError.decodeFailed(path: path, detail: "every video frame is hidden") }
        // Displayed pts range from the packets (index timestamps are DTS). A picture that precedes a keyframe in
        // decode order is displayed before it, so the smallest pts is in the first GOP and the largest in the
        // last: only those two are read (the copy pass reads the whole file anyway).
        container.discardAll(except: [v])
        let packet = Packet()
        var lo = Int64.max
        var hi = Int64.min
        func note(_ packet: Packet) {
            guard !packet.isDiscarded, packet.pts != cff_AV_NOPTS_VALUE else { return }
            lo = min(lo, packet.pts)
            hi = max(hi, packet.pts + max(packet.duration, 1))
        }
        var keyframes = 0
        var reachedEnd = true
        while try container.read(into: packet) {
            guard packet.streamIndex == v else { continue }
            if packet.isKeyframe {
                keyframes += 1
                if keyframes == 2 {
                    reachedEnd = false
                    break
                }
            }
            note(packet)
        }
        if !reachedEnd, let lastKey = entries.last(where: { $0.isKeyframe }) {
            try container.seek(stream: v, to: lastKey.timestamp)
            while try container.read(into: packet) {
                if packet.streamIndex == v { note(packet) }
            }
        }
        guard lo < hi else { throw MediaError.decodeFailed(path: path, detail: "no video packet has a timestamp") }
        startPts = lo
        endPts = hi
        try rewind()
    }

    var videoStream: UnsafeMutablePointer<AVStream> { container.stream(videoIndex) }
    var par: UnsafeMutablePointer<AVCodecParameters> { videoStream.pointee.codecpar }
    var width: Int { Int(par.pointee.width) }
    var height: Int { Int(par.pointee.height) }
    var hasAudio: Bool { audioIndex != nil }
    /// Frames in the first and in the last GOP.
    var firstGOPFrames: Int { keyframeIndices.count > 1 ? keyframeIndices[1] : frameCount }
    var lastGOPFrames: Int { frameCount - (keyframeIndices.last ?? 0) }
    /// The video duration in seconds.
    var duration: Double { Double(endPts - startPts) * Double(timeBase.num) / Double(timeBase.den) }

    /// Seeks back to the start with every stream enabled.
    func rewind() throws {
        container.discardAll(except: Set(0..<container.streamCount))
        try ffCheck(avformat_seek_file(container.context, -1, Int64.min, 0, 0, 0), "seek to start", path: path)
        // avformat_seek_file on mov with timestamp 0 lands on the first sample.
        _ = container.context
    }

    /// Positions the demuxer (video only) on the keyframe whose DTS is `dts` and reads it into `packet`: seeks
    /// to `from` (an earlier keyframe's DTS; nil: the start) and reads on, and reads from the start when the seek
    /// lands past it. Returns false when no such keyframe is read.
    func seekToKeyframe(dts: Int64, from: Int64?, into packet: Packet) throws -> Bool {
        container.discardAll(except: [videoIndex])
        for attempt in 0..<2 {
            if attempt == 0, let from {
                try container.seek(stream: videoIndex, to: from)
            } else {
                try rewind()
                container.discardAll(except: [videoIndex])
            }
            while try container.read(into: packet) {
                guard packet.streamIndex == videoIndex else { continue }
                if packet.dts == dts && packet.isKeyframe { return true }
                if packet.dts > dts { break }
            }
            if attempt == 0 && from == nil { return false }
        }
        return false
    }

    /// The pixel format of the first decoded frame (the header alone may not say without decoding).
    func decodedPixelFormat() throws -> AVPixelFormat {
        defer { try? rewind() }
        container.discardAll(except: [videoIndex])
        let decoder = try CodecDecoder(container: container, stream: videoIndex, threads: 1)
        let packet = Packet()
        let frame = Frame()
        while try container.read(into: packet) {
            guard packet.streamIndex == videoIndex else { continue }
            _ = try decoder.send(packet)
            if try decoder.receive(into: frame) == .frame { return frame.pixelFormat }
        }
        _ = try decoder.send(nil)
        if try decoder.receive(into: frame) == .frame { return frame.pixelFormat }
        throw MediaError.decodeFailed(path: path, detail: "no video frame decodes")
    }

    private var extradata: [UInt8] {
        guard let d = par.pointee.extradata, par.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: d, count: Int(par.pointee.extradata_size)))
    }

    private var displayMatrix: [Int32] {
        guard let m = cff_stream_display_matrix(videoStream) else { return [] }
        return Array(UnsafeBufferPointer(start: m, count: 9))
    }

    /// The first property of this segment's video that differs from `first`'s so that its packets cannot be
    /// copied after `first`'s (nil: compatible). Also checks the segment's own structure (closed-GOP start,
    /// no edit-list-hidden frames).
    func incompatibility(with first: ConcatSegment, isFirst: Bool) -> String? {
        if hiddenCount > 0 { return "\(hiddenCount) frames hidden by an edit list" }
        if !firstEntryIsKeyframe { return "does not start on a keyframe" }
        if !isFirst, let reason = openGOPStart() { return reason }
        if isFirst { return nil }
        let a = first.par.pointee
        let b = par.pointee
        func name(_ id: AVCodecID) -> String { ffString(avcodec_get_name(id)) ?? "?" }
        func tag(_ t: UInt32) -> String {
            String(decoding: (0..<4).map { UInt8((t >> ($0 * 8)) & 0xff) }, as: UTF8.self)
        }
        if a.codec_id != b.codec_id { return "codec \(name(b.codec_id)) differs from \(name(a.codec_id))" }
        if a.codec_tag != b.codec_tag { return "codec tag \(tag(b.codec_tag)) differs from \(tag(a.codec_tag))" }
        if a.width != b.width || a.height != b.height {
            return "size \(b.width)x\(b.height) differs from \(a.width)x\(a.height)"
        }
        if a.format != b.format {
            let fa = ffString(av_get_pix_fmt_name(AVPixelFormat(rawValue: a.format))) ?? "?"
            let fb = ffString(av_get_pix_fmt_name(AVPixelFormat(rawValue: b.format))) ?? "?"
            return "pixel format \(fb) differs from \(fa)"
        }
        if a.profile != b.profile {
            let pa = ffString(avcodec_profile_name(a.codec_id, a.profile)) ?? "\(a.profile)"
            let pb = ffString(avcodec_profile_name(b.codec_id, b.profile)) ?? "\(b.profile)"
            return "profile \(pb) differs from \(pa)"
        }
        if a.level != b.level { return "level \(b.level) differs from \(a.level)" }
        if a.color_range != b.color_range || a.color_primaries != b.color_primaries || a.color_trc != b.color_trc
            || a.color_space != b.color_space || a.chroma_location != b.chroma_location
        {
            return "colour tags differ"
        }
        if a.field_order != b.field_order { return "field order differs" }
        if av_cmp_q(a.sample_aspect_ratio, b.sample_aspect_ratio) != 0 && (a.sample_aspect_ratio.num != 0 || b.sample_aspect_ratio.num != 0) {
            return "sample aspect ratio \(b.sample_aspect_ratio.num):\(b.sample_aspect_ratio.den) differs from "
                + "\(a.sample_aspect_ratio.num):\(a.sample_aspect_ratio.den)"
        }
        if displayMatrix != first.displayMatrix { return "rotation (display matrix) differs" }
        if a.video_delay != b.video_delay { return "B-frame delay \(b.video_delay) differs from \(a.video_delay)" }
        if av_cmp_q(frameRate, first.frameRate) != 0 {
            return "frame rate \(frameRate.num)/\(frameRate.den) differs from \(first.frameRate.num)/\(first.frameRate.den)"
        }
        if a.codec_id == AV_CODEC_ID_H264, let x = AVCConfig(first.extradata), let y = AVCConfig(extradata) {
            // codecpar has no profile/level until frames are parsed; the avcC record has them.
            if x.header[1] != y.header[1] {
                let px = ffString(avcodec_profile_name(a.codec_id, Int32(x.header[1]))) ?? "\(x.header[1])"
                let py = ffString(avcodec_profile_name(a.codec_id, Int32(y.header[1]))) ?? "\(y.header[1])"
                return "H.264 profile \(py) differs from \(px)"
            }
            if x.header[3] != y.header[3] { return "H.264 level \(y.header[3]) differs from \(x.header[3])" }
        }
        if extradata != first.extradata { return "codec parameter sets (extradata) differ" }
        return nil
    }

    /// A reason when the first GOP is open: a packet after the first keyframe (in decode order, before the
    /// next keyframe) shows before it.
    private func openGOPStart() -> String? {
        defer { try? rewind() }
        container.discardAll(except: [videoIndex])
        let packet = Packet()
        var keyPts: Int64?
        var n = 0
        while (try? container.read(into: packet)) == true, n < 300 {
            guard packet.streamIndex == videoIndex else { continue }
            n += 1
            if keyPts == nil {
                keyPts = packet.pts
                continue
            }
            if packet.isKeyframe { return nil }
            if let keyPts, packet.pts < keyPts { return "starts with an open GOP" }
        }
        return nil
    }
}
