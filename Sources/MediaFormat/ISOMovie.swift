/// What the header boxes of an MP4/MOV file say: brand, duration, and its first video track.
public struct ISOMovie: Sendable, Equatable {
    /// The top-level boxes, in order.
    public var topLevelBoxes: [ISOBox]
    /// The `ftyp` major brand ("isom", "qt  ", ...); nil when the file has no `ftyp` box.
    public var majorBrand: String?
    /// The movie duration from `mvhd`, in seconds.
    public var durationSeconds: Double?
    /// The first track whose handler is `vide`; nil when there is none.
    public var videoTrack: ISOVideoTrack?

    /// True for a QuickTime movie: brand `qt  `, or no `ftyp` at all (an old QuickTime file).
    public var isQuickTime: Bool { majorBrand == nil || majorBrand == "qt  " }

    /// Creates movie facts.
    public init(topLevelBoxes: [ISOBox], majorBrand: String?, durationSeconds: Double?, videoTrack: ISOVideoTrack?) {
        self.topLevelBoxes = topLevelBoxes
        self.majorBrand = majorBrand
        self.durationSeconds = durationSeconds
        self.videoTrack = videoTrack
    }

    /// Walks the file's boxes: the top level, `moov`, and each `trak` until the first video track.
    /// - Throws: `MediaFormatError.badBoxSize` / `.truncated` when the top level or `moov` is broken (a cut file,
    ///   a box past the end), `.missing` without a `moov` (the index) or an `mdat` (the media data).
    public init(from source: some ByteSource) throws {
        let top = try ISOBox.children(in: source, from: 0, to: source.count, parent: "the file")
        var brand: String?
        if let ftyp = top.first(where: { $0.type == "ftyp" }) {
            brand = String(decoding: try source.bytes(at: ftyp.payloadOffset, length: min(4, Int(ftyp.size - ftyp.headerSize))), as: UTF8.self)
        }
        guard let moov = top.first(where: { $0.type == "moov" }) else {
            throw MediaFormatError.missing(what: "moov box", meaning: "the index: truncated or not finalised")
        }
        guard top.contains(where: { $0.type == "mdat" }) else { throw MediaFormatError.missing(what: "mdat box", meaning: "no media data") }
        let inMoov = try moov.children(in: source)
        var duration: Double?
        if let mvhd = inMoov.first(where: { $0.type == "mvhd" }) {
            let b = try source.prefixView(at: mvhd.payloadOffset, length: 32, what: "the mvhd box")
            if b.count >= 32, let (scale, d) = MovieTiming.scaleAndDuration(b), scale > 0 { duration = d / Double(scale) }
        }
        var video: ISOVideoTrack?
        for trak in inMoov where trak.type == "trak" {
            if let track = try ISOVideoTrack.read(trak: trak, in: source) {
                video = track
                break
            }
        }
        self.init(topLevelBoxes: top, majorBrand: brand, durationSeconds: duration, videoTrack: video)
    }
}
