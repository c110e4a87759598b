/// What both assemblers (`CopyAssembler`, `EncodeAssembler`) write from: the segments, the file to write, the
/// output's audio format, the seam policy and the segments' cuts.
struct AssemblyInput {
    /// The first segment, open.
    let first: ConcatSegment
    let facts: [SegmentFacts]
    /// The file written (the staging name).
    let path: String
    /// The output path errors name.
    let displayPath: String
    /// The output's audio format, nil for a file without audio.
    let audio: (rate: Int, channels: Int)?
    let audioBitRate: Int
    let seam: SeamPolicy
    /// Per segment, the frames kept and the colour correction (`SegmentCut`).
    let cuts: [SegmentCut]

    /// Frames blended per seam (crossfade), 0 otherwise.
    var blend: Int {
        if case .crossfade(let n) = seam { return n }
        return 0
    }
}
