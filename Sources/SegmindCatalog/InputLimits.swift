import Foundation

/// Documented limits for inputs given as local files.
public struct InputLimits: Sendable, Equatable, Codable {
    /// Image limits.
    public var image: ImageLimits?
    /// Reference-video limits.
    public var video: VideoLimits?

    /// Limits for input images.
    public struct ImageLimits: Sendable, Equatable, Codable {
        /// Accepted formats ("png", "jpeg").
        public var formats: [String]
        /// The largest file in bytes.
        public var maxBytes: Int64
        /// The smallest width and height in pixels.
        public var minSide: Int
        /// The smallest width/height ratio (1:2.5 = 0.4).
        public var minAspect: Double
        /// The largest width/height ratio (2.5:1 = 2.5).
        public var maxAspect: Double

        enum CodingKeys: String, CodingKey {
            case formats
            case maxBytes = "max_bytes"
            case minSide = "min_side"
            case minAspect = "min_aspect"
            case maxAspect = "max_aspect"
        }
    }

    /// Limits for input videos.
    public struct VideoLimits: Sendable, Equatable, Codable {
        /// Accepted containers ("mp4", "mov").
        public var formats: [String]
        /// The largest file in bytes.
        public var maxBytes: Int64
        /// The shortest duration in seconds.
        public var minSeconds: Double
        /// The longest duration in seconds.
        public var maxSeconds: Double
        /// The smallest side in pixels.
        public var minSide: Int
        /// The largest side in pixels.
        public var maxSide: Int
        /// The lowest frame rate.
        public var minFPS: Double
        /// The highest frame rate.
        public var maxFPS: Double

        enum CodingKeys: String, CodingKey {
            case formats
            case maxBytes = "max_bytes"
            case minSeconds = "min_seconds"
            case maxSeconds = "max_seconds"
            case minSide = "min_side"
            case maxSide = "max_side"
            case minFPS = "min_fps"
            case maxFPS = "max_fps"
        }
    }
}
