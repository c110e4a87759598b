import CFFmpeg

/// A rational number as FFmpeg uses for time bases and frame rates ("24/1").
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The numerator.
    public var num: Int
    /// The denominator.
    public var den: Int

    /// Creates `num/den`.
    public init(_ num: Int, _ den: Int) {
        self.num = num
        self.den = den
    }

    init(_ r: AVRational) {
        self.init(Int(r.num), Int(r.den))
    }

    var av: AVRational { AVRational(num: Int32(num), den: Int32(den)) }

    /// The value as a Double (0 when the denominator is 0).
    public var doubleValue: Double { den == 0 ? 0 : Double(num) / Double(den) }

    /// True when the denominator is non-zero and the numerator positive.
    public var isValid: Bool { den != 0 && num > 0 }

    /// "num/den", the form ffprobe prints.
    public var description: String { "\(num)/\(den)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a rational: \(text)"))
        }
        self.init(n, d)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Converts a timestamp in `timeBase` units to seconds (nil for AV_NOPTS_VALUE).
func seconds(_ ts: Int64, _ timeBase: AVRational) -> Double? {
    if ts == cff_AV_NOPTS_VALUE { return nil }
    return Double(ts) * Double(timeBase.num) / Double(timeBase.den)
}
