extension LabTransfer {
    /// `image` with every pixel's colour moved `progress` of the way to its correction (alpha kept).
    public func apply(to image: PixelImage, progress: Double = 1) -> PixelImage {
        guard !isIdentity, progress > 0 else { return image }
        var out = image
        let bpp = image.bytesPerPixel
        out.pixels.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i + 2 < p.count {
                let lab = Lab(red: Double(p[i]) / 255, green: Double(p[i + 1]) / 255, blue: Double(p[i + 2]) / 255)
                let rgb = apply(lab, progress: progress).rgb
                p[i] = Self.byte(rgb.red)
                p[i + 1] = Self.byte(rgb.green)
                p[i + 2] = Self.byte(rgb.blue)
                i += bpp
            }
        }
        return out
    }

    static func byte(_ v: Double) -> UInt8 { UInt8(min(255, max(0, (v * 255).rounded()))) }
}
