/// What the header boxes of an MP4/MOV video track (`tkhd`, `mdhd`, `stts`) say about it.
public struct ISOVideoTrack: Sendable, Equatable {
    /// The display width from `tkhd` (integer part of the 16.16 value); 0 when absent.
    public var width: Int
    /// The display height from `tkhd`; 0 when absent.
    public var height: Int
    /// The track duration from `mdhd`, in seconds.
    public var durationSeconds: Double?
    /// The number of samples listed in `stts` (the entries present in the box, at most the first 1 MiB of it).
    public var sampleCount: UInt64
    /// The average frame rate: samples divided by the track duration.
    public var framesPerSecond: Double?

    /// Creates track facts.
    public init(width: Int, height: Int, durationSeconds: Double?, sampleCount: UInt64, framesPerSecond: Double?) {
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
        self.sampleCount = sampleCount
        self.framesPerSecond = framesPerSecond
    }

    /// The most bytes of an `stts` box that are read.
    public static let maxTimeToSampleBytes = 1 << 20

    /// Reads a `trak` box; nil when it is not a video track (`hdlr` `vide`) or its `mdia`/`hdlr` boxes cannot be read.
    /// - Throws: `MediaFormatError` when reading the source fails.
    public static func read(trak: ISOBox, in source: some ByteSource) throws -> ISOVideoTrack? {
        guard let inTrak = try? trak.children(in: source),
            let mdia = inTrak.first(where: { $0.type == "mdia" }),
            let inMdia = try? mdia.children(in: source),
            let hdlr = inMdia.first(where: { $0.type == "hdlr" })
        else { return nil }
        let handler = try source.prefixView(at: hdlr.payloadOffset + 8, length: 4, what: "the hdlr box")
        guard handler.matches("vide"), hdlr.end - hdlr.payloadOffset >= 12 else { return nil }
        var width = 0
        var height = 0
        if let tkhd = inTrak.first(where: { $0.type == "tkhd" }) {
            let b = try source.prefixView(at: tkhd.payloadOffset, length: min(96, Int(tkhd.size - tkhd.headerSize)), what: "the tkhd box")
            let base = b.bytes.first == 1 ? 88 : 76
            if let w = try? b.be32(base), let h = try? b.be32(base + 4) {
                width = Int(w >> 16)
                height = Int(h >> 16)
            }
        }
        var duration: Double?
        var samples: UInt64 = 0
        var fps: Double?
        if let mdhd = inMdia.first(where: { $0.type == "mdhd" }) {
            let b = try source.prefixView(at: mdhd.payloadOffset, length: 32, what: "the mdhd box")
            if let (scale, d) = MovieTiming.scaleAndDuration(b), scale > 0 { duration = d / Double(scale) }
            samples = try sampleCount(inMdia, in: source)
            if let duration, duration > 0, samples > 0 { fps = Double(samples) / duration }
        }
        return ISOVideoTrack(width: width, height: height, durationSeconds: duration, sampleCount: samples, framesPerSecond: fps)
    }

    /// The sum of the sample counts in `mdia/minf/stbl/stts`, over the entries actually present (a hostile
    /// entry count is bounded by the box's bytes); 0 when the boxes are absent or broken.
    private static func sampleCount(_ inMdia: [ISOBox], in source: some ByteSource) throws -> UInt64 {
        guard let minf = inMdia.first(where: { $0.type == "minf" }), let inMinf = try? minf.children(in: source),
            let stbl = inMinf.first(where: { $0.type == "stbl" }), let inStbl = try? stbl.children(in: source),
            let stts = inStbl.first(where: { $0.type == "stts" })
        else { return 0 }
        let length = Int(min(stts.size - stts.headerSize, Int64(maxTimeToSampleBytes)))
        let b = try source.prefixView(at: stts.payloadOffset, length: length, what: "the stts box")
        guard let declared = try? b.be32(4) else { return 0 }
        let entries = min(Int(declared), max(0, (b.count - 8) / 8))
        var total: UInt64 = 0
        for i in 0..<entries { total += UInt64(try b.be32(8 + i * 8)) }
        return total
    }
}
