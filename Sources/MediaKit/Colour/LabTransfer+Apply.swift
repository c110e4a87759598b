extension LabTransfer {
    /// `image` with every pixel's colour moved `progress` of the way to its correction (alpha kept).
    ///
    /// Computed through a 65-node 3D table of the exact CIELAB mapping over R'G'B' codes, read with tetrahedral
    /// interpolation: within about one code value of `apply(_:progress:)` per pixel, at a small cost per pixel.
    /// The identity, or `progress` 0, returns `image` unchanged.
    public func apply(to image: PixelImage, progress: Double = 1) -> PixelImage {
        guard !isIdentity, progress > 0 else { return image }
        let ramp = ColourRamp(self, encoding: .rgb)
        let table = ramp.table(progress: progress)
        var out = image
        let bpp = image.bytesPerPixel
        out.pixels.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            table.apply(interleaved: base, count: p.count / bpp, stride: bpp)
        }
        return out
    }

    /// `image` mapped pixel by pixel through the exact CIELAB conversion (slow: the reference for the table).
    func applyExactly(to image: PixelImage, progress: Double = 1) -> PixelImage {
        guard !isIdentity, progress > 0 else { return image }
        var out = image
        let bpp = image.bytesPerPixel
        out.pixels.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i + 2 < p.count {
                let c = ColourRamp.exact(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), transfer: self, progress: progress, encoding: .rgb)
                p[i] = Self.byte(c.0 / 255)
                p[i + 1] = Self.byte(c.1 / 255)
                p[i + 2] = Self.byte(c.2 / 255)
                i += bpp
            }
        }
        return out
    }

    static func byte(_ v: Double) -> UInt8 { v.isNaN ? 0 : UInt8(min(255, max(0, (v * 255).rounded()))) }
}
