/// The audio track a concat's assembler writes, segment by segment: each segment's audio packets are handed
/// over as they are read, then where its audio goes (`AudioSpan`, from the video frames it keeps).
protocol ConcatAudioOutput: AnyObject {
    /// Samples per second of the output track.
    var sampleRate: Int { get }
    /// Output samples placed so far (the next segment's `AudioSpan.outputStart`).
    var sampleCount: Int64 { get }
    /// Starts segment `index` (open and rewound; its audio stream, if any, is read next).
    func begin(_ segment: ConcatSegment, index: Int) throws
    /// An audio packet of the current segment.
    func add(_ packet: Packet) throws
    /// Every packet of the current segment has been read: its audio goes at `span`.
    func end(_ span: AudioSpan) throws
    /// Writes what is ready to the muxer (calling thread only).
    func writeReady() throws
    /// Writes the rest; the track ends exactly at the last segment's `outputEnd`.
    func finish() throws -> ConcatAudioReport
}
