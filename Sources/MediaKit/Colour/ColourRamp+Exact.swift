import Foundation

extension ColourRamp {
    /// The CIELAB colour of gamma-coded R'G'B' components taken as sRGB, extended smoothly past 0...1 (the
    /// transfer curve mirrored below 0, its power law continued above 1), so that the table's nodes outside the
    /// gamut follow the same curve as the colours inside.
    static func lab(red: Double, green: Double, blue: Double) -> Lab {
        let (r, g, b) = (linear(red), linear(green), linear(blue))
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
        let (fx, fy, fz) = (Lab.f(x), Lab.f(y), Lab.f(z))
        return Lab(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// The gamma-coded R'G'B' of a CIELAB colour, extended past 0...1 the same way (not clipped).
    static func rgb(_ lab: Lab) -> (Double, Double, Double) {
        let (r, g, b) = linearRGB(lab)
        return (encoded(r), encoded(g), encoded(b))
    }

    /// CIELAB's f(X/Xn), f(Y/Yn), f(Z/Zn) of a colour (D65): linear in L, a, b.
    static func f(_ lab: Lab) -> (Double, Double, Double) {
        let fy = (lab.l + 16) / 116
        return (fy + lab.a / 500, fy, fy - lab.b / 200)
    }

    /// Linear-light sRGB from f^-1 of `f(_:)`'s three values, the white point folded in.
    static let linearFromF: Affine3 = {
        let white = SIMD3(0.95047, 1, 1.08883)
        return Affine3(
            rows: (
                SIMD3(3.2404542, -1.5371385, -0.4985314) * white, SIMD3(-0.9692660, 1.8760108, 0.0415560) * white,
                SIMD3(0.0556434, -0.2040259, 1.0572252) * white
            ))
    }()

    /// Linear-light sRGB of a CIELAB colour (D65), not clipped.
    private static func linearRGB(_ lab: Lab) -> (Double, Double, Double) {
        let (fx, fy, fz) = f(lab)
        return linearFromF(Lab.inverseF(fx), Lab.inverseF(fy), Lab.inverseF(fz))
    }

    /// The transfer curve at 8192 steps over linear 0...2.
    static let encodingCurve: [Double] = (0...8192).map { encoded(Double($0) / 4096) }

    /// The transfer curve read from `curve` (`encodingCurve`) by linear interpolation below 2 (within a few
    /// thousandths of a code), the power law above; extended past 0...1 as `rgb(_:)`.
    @inline(__always)
    static func encoded(_ v: Double, _ curve: UnsafeBufferPointer<Double>) -> Double {
        let c = abs(v.isNaN ? 0 : v) * 4096
        guard c < 8192 else { return encoded(v) }
        let i = Int(c)
        let e = curve[i] + (c - Double(i)) * (curve[i + 1] - curve[i])
        return v < 0 ? -e : e
    }

    /// The exact mapping the table samples: component codes to component codes (not rounded or clipped).
    static func exact(_ c0: Double, _ c1: Double, _ c2: Double, transfer: LabTransfer, progress: Double, encoding: PictureEncoding)
        -> (Double, Double, Double)
    {
        let (r, g, b) = encoding.rgb(c0, c1, c2)
        let mapped = rgb(transfer.apply(lab(red: r, green: g, blue: b), progress: progress))
        return encoding.codes(mapped.0, mapped.1, mapped.2)
    }

    private static func linear(_ v: Double) -> Double {
        let c = abs(v.isNaN ? 0 : v)
        let l = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        return v < 0 ? -l : l
    }

    private static func encoded(_ v: Double) -> Double {
        let c = abs(v.isNaN ? 0 : v)
        let e = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
        return v < 0 ? -e : e
    }
}
