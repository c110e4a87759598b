import Foundation

/// What a file is expected to be: the properties `Verifier.verify` checks. Every nil property is not checked.
public struct VerificationRequest: Sendable, Equatable {
    /// The expected video duration in seconds.
    public var duration: Double?
    /// The expected display aspect ratio as "W:H" ("16:9", "9:16", "1:1").
    public var aspect: String?
    /// The expected display size in pixels (rotation and sample aspect ratio applied).
    public var resolution: Resolution?
    /// The expected frame rate (frames per second).
    public var fps: Double?
    /// The expected number of displayed video frames.
    public var frames: Int?
    /// Whether an audio stream is expected (true) or must be absent (false).
    public var audio: Bool?
    /// Decode every frame and fail on decode errors, corrupt frames, a frame count that differs from the
    /// probed count, or gaps in the timestamps (constant frame rate only).
    public var decode: Bool
    /// The duration tolerance in seconds; nil means one frame plus 50 ms.
    public var tolerance: Double?

    /// A width and height in pixels.
    public struct Resolution: Sendable, Equatable, CustomStringConvertible {
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int

        /// Creates a resolution.
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }

        /// Parses "WxH" ("1280x720"); nil when it is not two positive integers.
        public init?(parsing text: String) {
            let parts = text.lowercased().split(separator: "x")
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
            self.init(width: w, height: h)
        }

        /// "WxH".
        public var description: String { "\(width)x\(height)" }
    }

    /// Creates a request; every property defaults to "not checked".
    public init(
        duration: Double? = nil, aspect: String? = nil, resolution: Resolution? = nil, fps: Double? = nil, frames: Int? = nil,
        audio: Bool? = nil, decode: Bool = false, tolerance: Double? = nil
    ) {
        self.duration = duration
        self.aspect = aspect
        self.resolution = resolution
        self.fps = fps
        self.frames = frames
        self.audio = audio
        self.decode = decode
        self.tolerance = tolerance
    }

    /// The ratio width / height of "W:H" (or "W/H"), nil when it is not two positive numbers.
    public static func aspectRatio(_ text: String) -> Double? {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "/" })
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), w > 0, h > 0 else { return nil }
        return w / h
    }
}

/// One checked property: what was expected, what the file has, and whether that passes.
public struct VerificationCheck: Sendable, Equatable, Codable {
    /// The property ("duration", "aspect", "resolution", "fps", "frames", "audio", "decode").
    public var name: String
    /// The expected value as text.
    public var expected: String
    /// The actual value as text.
    public var actual: String
    /// Whether the actual value satisfies the expectation.
    public var passed: Bool

    /// Creates a check result.
    public init(name: String, expected: String, actual: String, passed: Bool) {
        self.name = name
        self.expected = expected
        self.actual = actual
        self.passed = passed
    }
}

/// The outcome of `Verifier.verify`: every requested check with expected and actual values.
public struct VerificationReport: Sendable, Equatable, Codable {
    /// The file checked.
    public var path: String
    /// True when every check passed.
    public var passed: Bool
    /// The checks, in the order duration, aspect, resolution, fps, frames, audio, decode.
    public var checks: [VerificationCheck]

    /// Creates a report; `passed` is derived from the checks.
    public init(path: String, checks: [VerificationCheck]) {
        self.path = path
        self.checks = checks
        self.passed = checks.allSatisfy(\.passed)
    }

    /// The report as JSON: `{"path", "passed", "checks": [{"name", "expected", "actual", "passed"}]}`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// One line per check ("PASS duration: expected 5 s, actual 5.042 s") and a final verdict line.
    public func summary() -> String {
        var text = ""
        for check in checks {
            text += "\(check.passed ? "PASS" : "FAIL") \(check.name): expected \(check.expected), actual \(check.actual)\n"
        }
        text += "\(path): \(passed ? "passed" : "FAILED") (\(checks.filter(\.passed).count)/\(checks.count) checks)\n"
        return text
    }
}
