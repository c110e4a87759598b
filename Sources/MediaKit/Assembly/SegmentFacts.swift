/// What pass 1 learned about a segment.
struct SegmentFacts {
    var path: String
    var frameCount: Int
    var duration: Double
    var hasAudio: Bool
    var incompatibility: String?
    var audioRate: Int?
    var audioChannels: Int?
    var keyframes: Int
    var firstGOPFrames: Int
    var lastGOPFrames: Int
    /// The displayed index and the DTS of each keyframe.
    var keyframeIndices: [Int] = []
    var keyframeDts: [Int64] = []
}
