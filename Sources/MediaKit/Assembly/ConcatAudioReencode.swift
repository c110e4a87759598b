/// A concat's audio decoded and encoded again whole, for segments whose AAC packets cannot be copied (another
/// codec, profile, sample rate or channel layout): each segment's audio is decoded (converted to the output's
/// rate and layout), cut or padded to its `AudioSpan` and fed to one AAC encoder (`ConcatAudioEncoder`).
final class ConcatAudioReencode: ConcatAudioOutput {
    let reason: String
    private(set) var sampleCount: Int64 = 0
    var sampleRate: Int { encoder.sampleRate }
    private let encoder: ConcatAudioEncoder
    private let channels: Int
    private var segment: SegmentAudio?
    private var videoStart = 0.0

    init(output: OutputContainer, sampleRate: Int, channels: Int, bitRate: Int, reason: String) throws {
        self.reason = reason
        self.channels = channels
        encoder = try ConcatAudioEncoder(output: output, sampleRate: sampleRate, channels: channels, bitRate: bitRate)
    }

    func begin(_ seg: ConcatSegment, index: Int) throws {
        let tb = seg.timeBase
        videoStart = Double(seg.startPts) * Double(tb.num) / Double(tb.den)
        segment = try SegmentAudio(segment: seg, sampleRate: sampleRate, channels: channels, videoStart: videoStart)
    }

    func add(_ packet: Packet) throws {
        try segment?.decode(packet)
    }

    func end(_ span: AudioSpan) throws {
        guard let segment else { return }
        try segment.decode(nil)
        let count = Int(max(0, span.outputEnd - sampleCount))
        let offset = ((span.sourceStart - videoStart) * Double(sampleRate)).rounded()
        let skip = offset.isFinite ? Int(max(-1e15, min(1e15, offset))) : 0
        try encoder.append(segment.samples(skip: skip, count: count))
        sampleCount += Int64(count)
        self.segment = nil
    }

    func writeReady() throws {
        try encoder.writeReady()
    }

    func finish() throws -> ConcatAudioReport {
        try encoder.finish()
        let packets = Int((sampleCount + 1023) / 1024) + 1
        return ConcatAudioReport(method: "reencoded", reason: reason, copiedPackets: 0, encodedPackets: packets, silentPackets: 0, segments: [])
    }
}
