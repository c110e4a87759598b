import CFFmpeg

/// The frame the packets promise last: the greatest pts among the shown (not edit-list hidden) packets read, with
/// that packet's duration. `FrameExtractor` accepts a last frame only when its timestamp is this pts.
struct LastPacket {
    /// The greatest pts seen; `Int64.min` before any.
    private(set) var pts = Int64.min
    /// The duration of the packet with that pts.
    private(set) var duration: Int64 = 0

    /// Takes `packet` into account.
    mutating func note(_ packet: Packet) {
        guard !packet.isDiscarded, packet.pts != cff_AV_NOPTS_VALUE, packet.pts >= pts else { return }
        pts = packet.pts
        duration = packet.duration
    }
}
