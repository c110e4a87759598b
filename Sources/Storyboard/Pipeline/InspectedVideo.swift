import MediaKit

/// What one look at a video shot gives the later steps besides its report fields: the colour of its first and last
/// frames as generated and of the picture it hands on, and its frame count and rate (for seam trimming).
struct InspectedVideo: Sendable, Equatable {
    /// The first and the last displayed frames as generated.
    let first, last: LabStatistics
    /// The picture handed on: the corrected last frame when the shot's colour is matched, else the last frame.
    var handedOn: LabStatistics
    /// Displayed frames in the shot.
    let frameCount: Int
    /// Frames per second (0 when the file does not say).
    let framesPerSecond: Double

    /// The facts of a shot whose first and last frames have these statistics, with `frameCount` frames at
    /// `frameRate` (nil or a zero denominator: unknown); it hands on its last frame until its colour is matched.
    init(first: LabStatistics, last: LabStatistics, frameCount: Int, frameRate: Rational?) {
        self.first = first
        self.last = last
        self.handedOn = last
        self.frameCount = frameCount
        let rate = frameRate.map { $0.den > 0 ? Double($0.num) / Double($0.den) : 0 } ?? 0
        self.framesPerSecond = rate.isFinite && rate > 0 ? rate : 0
    }

    /// The facts given one by one (for tests).
    init(first: LabStatistics, last: LabStatistics, handedOn: LabStatistics, frameCount: Int, framesPerSecond: Double) {
        self.first = first
        self.last = last
        self.handedOn = handedOn
        self.frameCount = frameCount
        self.framesPerSecond = framesPerSecond
    }
}
