import MediaKit

/// What one look at a video shot gives the later steps besides its report fields: the colour of its first and last
/// frames as generated and of the picture it hands on, and its frame count and rate (for seam trimming).
struct InspectedVideo: Sendable, Equatable {
    /// The first displayed frame as generated.
    var first: LabStatistics
    /// The last displayed frame as generated.
    var last: LabStatistics
    /// The picture handed on: the corrected last frame when the shot's colour is matched, else the last frame.
    var handedOn: LabStatistics
    /// Displayed frames in the shot.
    var frameCount: Int
    /// Frames per second (0 when the file does not say).
    var framesPerSecond: Double
}
