extension LabStatistics {
    /// The statistics of `image`'s pixels (alpha ignored), measured on a regular grid of about `points` pixels
    /// (every pixel when the image is smaller).
    public static func measure(_ image: PixelImage, points: Int = 16384) -> LabStatistics {
        let step = max(1, Int((Double(image.width) * Double(image.height) / Double(max(1, points))).squareRoot()))
        var samples: [Lab] = []
        samples.reserveCapacity((image.width / step + 1) * (image.height / step + 1))
        let bpp = image.bytesPerPixel
        image.pixels.withUnsafeBufferPointer { p in
            var y = step / 2
            while y < image.height {
                var x = step / 2
                while x < image.width {
                    let i = (y * image.width + x) * bpp
                    samples.append(Lab(red: Double(p[i]) / 255, green: Double(p[i + 1]) / 255, blue: Double(p[i + 2]) / 255))
                    x += step
                }
                y += step
            }
        }
        return of(samples)
    }

    /// The statistics of a set of colours (all zero for none).
    public static func of(_ colours: [Lab]) -> LabStatistics {
        let n = Double(max(1, colours.count))
        var mean = (0.0, 0.0, 0.0)
        for c in colours {
            mean.0 += c.l
            mean.1 += c.a
            mean.2 += c.b
        }
        mean = (mean.0 / n, mean.1 / n, mean.2 / n)
        var cov = [Double](repeating: 0, count: 9)
        for c in colours {
            let d = [c.l - mean.0, c.a - mean.1, c.b - mean.2]
            for r in 0..<3 {
                for k in 0..<3 { cov[r * 3 + k] += d[r] * d[k] }
            }
        }
        for i in 0..<9 { cov[i] /= n }
        return LabStatistics(
            mean: Lab(l: mean.0, a: mean.1, b: mean.2),
            spread: Lab(l: cov[0].squareRoot(), a: cov[4].squareRoot(), b: cov[8].squareRoot()), covariance: cov)
    }
}
