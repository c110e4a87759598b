import Foundation

/// A colour in CIELAB (D65 white, CIE 1976): `l` lightness 0...100, `a` green to red, `b` blue to yellow.
///
/// Converted from and to gamma-encoded sRGB components in 0...1 (the display colour `FrameStatistics` and
/// `PixelImage` carry); the JSON keys are `l`, `a`, `b`.
public struct Lab: Sendable, Equatable, Codable {
    /// Lightness, 0 (black) to 100 (white).
    public var l: Double
    /// Green (negative) to red (positive).
    public var a: Double
    /// Blue (negative) to yellow (positive).
    public var b: Double

    /// A colour from its three coordinates.
    public init(l: Double, a: Double, b: Double) {
        (self.l, self.a, self.b) = (l, a, b)
    }

    /// The colour of gamma-encoded sRGB components in 0...1 (values outside are clipped).
    public init(red: Double, green: Double, blue: Double) {
        let r = Self.linear(red)
        let g = Self.linear(green)
        let bl = Self.linear(blue)
        // sRGB primaries to XYZ, over the D65 white (0.95047, 1, 1.08883).
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
        let (fx, fy, fz) = (Self.f(x), Self.f(y), Self.f(z))
        self.init(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// The gamma-encoded sRGB components in 0...1 (clipped where the colour lies outside sRGB).
    public var rgb: (red: Double, green: Double, blue: Double) {
        let fy = (l + 16) / 116
        let x = Self.inverseF(fy + a / 500) * 0.95047
        let y = Self.inverseF(fy)
        let z = Self.inverseF(fy - b / 200) * 1.08883
        let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        return (Self.encoded(r), Self.encoded(g), Self.encoded(bl))
    }

    /// The CIE76 colour difference: the Euclidean distance in Lab.
    public func deltaE(_ other: Lab) -> Double {
        let dl = l - other.l
        let da = a - other.a
        let db = b - other.b
        return (dl * dl + da * da + db * db).squareRoot()
    }

    static func linear(_ v: Double) -> Double {
        let c = min(1, max(0, v.isNaN ? 0 : v))
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    static func encoded(_ v: Double) -> Double {
        let c = min(1, max(0, v.isNaN ? 0 : v))
        return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
    }

    static func f(_ t: Double) -> Double {
        t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16) / 116
    }

    static func inverseF(_ t: Double) -> Double {
        t > 6.0 / 29.0 ? t * t * t : (116 * t - 16) * 27.0 / 24389.0
    }
}
