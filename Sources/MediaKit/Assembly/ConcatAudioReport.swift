/// How a concat wrote its audio: AAC packets copied with only the frames around the seams encoded again, or
/// everything decoded and encoded again (and why).
public struct ConcatAudioReport: Sendable, Equatable, Codable {
    /// One segment's audio in the output.
    public struct Segment: Sendable, Equatable, Codable {
        /// Samples the segment's copied packets are moved from where its video puts them (within ±512: half an
        /// AAC frame); nil when none of its packets could be copied.
        public var offsetSamples: Int?
        /// The output samples its copied packets play (from, until), nil when none were copied.
        public var copiedFrom: Int64?
        public var copiedUntil: Int64?
    }

    /// "copied" (AAC packets copied, the frames at the seams encoded again) or "reencoded".
    public var method: String
    /// Why the audio was re-encoded whole (nil when copied).
    public var reason: String?
    /// AAC packets copied from the segments.
    public var copiedPackets: Int
    /// AAC packets encoded (the windows at the seams, or everything when re-encoded).
    public var encodedPackets: Int
    /// Copies of one silent AAC packet, in segments without audio away from their seams.
    public var silentPackets: Int
    /// Per input segment, in order (empty when re-encoded).
    public var segments: [Segment]
}
