/// Reads the timescale and duration that `mvhd` and `mdhd` boxes share (version 0: 32-bit, version 1: 64-bit).
enum MovieTiming {
    /// The timescale and duration from a full box's payload (version byte first); nil when the payload is too short.
    static func scaleAndDuration(_ b: ByteView) -> (scale: UInt32, duration: Double)? {
        if b.bytes.first == 1 {
            guard let scale = try? b.be32(20), let d = try? b.be64(24) else { return nil }
            return (scale, Double(d))
        }
        guard let scale = try? b.be32(12), let d = try? b.be32(16) else { return nil }
        return (scale, Double(d))
    }
}
