import CFFmpeg

/// An owning wrapper around `AVPacket`. Not `Sendable`.
final class Packet: FFmpegObject<AVPacket> {
    init() { super.init("av_packet_alloc", allocate: { av_packet_alloc() }, release: { av_packet_free($0) }) }

    var streamIndex: Int { Int(pointer.pointee.stream_index) }
    var pts: Int64 { pointer.pointee.pts }
    var dts: Int64 { pointer.pointee.dts }
    var duration: Int64 { pointer.pointee.duration }
    var size: Int { Int(pointer.pointee.size) }
    var pos: Int64 { pointer.pointee.pos }
    var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    var isDiscarded: Bool { pointer.pointee.flags & AV_PKT_FLAG_DISCARD != 0 }
    var isCorrupt: Bool { pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 }

    func unref() { av_packet_unref(pointer) }
}
