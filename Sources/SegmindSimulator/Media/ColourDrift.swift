import MediaKit

/// The colour drift of ``SimulatorDefects`` applied to a frame, fast enough to run on every pixel of every frame.
///
/// Not exact CIELAB but close to it for moderate amounts. Each pixel is split into its BT.709 luma `y` (integer
/// weights over 256) and the three channel offsets from it; at progress `p`:
/// - brightness and contrast: `y` goes through a 256-entry tone curve built so that a grey of lightness L* becomes
///   `mean + (L* - mean) * (1 + p * contrast) + p * brightness` exactly, where `mean` is the mean L* of the start
///   image; for coloured pixels the L* change is close to that;
/// - saturation: the channel offsets are scaled by `1 + p * saturation` (in 1/256 steps), which scales a* and b* by
///   about that factor and leaves greys alone (on a mid-tone picture, 85 to 100% of the asked change).
/// The channels are then the toned luma plus the scaled offsets, clipped to 0...255.
struct ColourDrift: Sendable {
    /// L* units added at the full drift.
    let brightness: Double
    /// Relative chroma change at the full drift.
    let saturation: Double
    /// Relative L* spread change at the full drift.
    let contrast: Double
    /// The mean L* the contrast pivots around.
    let pivot: Double

    /// The drift of `defects` for a video starting from `start`; nil when there is none.
    init?(_ defects: SimulatorDefects, start: PixelImage) {
        guard defects.brightness != 0 || defects.saturation != 0 || defects.contrast != 0 else { return nil }
        brightness = defects.brightness
        saturation = defects.saturation
        contrast = defects.contrast
        pivot = LabStatistics.measure(start, points: 4096).mean.l
    }

    /// `image` (RGB, no alpha) with `progress` (0...1) of the drift applied; `progress` 0 returns it unchanged.
    func apply(to image: PixelImage, progress: Double) -> PixelImage {
        let p = min(1, max(0, progress))
        guard p > 0, !image.hasAlpha else { return image }
        let curve = toneCurve(progress: p)
        let gain = Int((256 * (1 + p * saturation)).rounded())
        var out = image
        curve.withUnsafeBufferPointer { lut in
            out.pixels.withUnsafeMutableBufferPointer { buffer in
                var i = 0
                let n = buffer.count - 2
                while i < n {
                    let r = Int(buffer[i])
                    let g = Int(buffer[i + 1])
                    let b = Int(buffer[i + 2])
                    let y = (54 &* r &+ 183 &* g &+ 19 &* b) >> 8
                    let toned = Int(lut[y])
                    buffer[i] = Self.clip(toned &+ ((r &- y) &* gain) >> 8)
                    buffer[i + 1] = Self.clip(toned &+ ((g &- y) &* gain) >> 8)
                    buffer[i + 2] = Self.clip(toned &+ ((b &- y) &* gain) >> 8)
                    i += 3
                }
            }
        }
        return out
    }

    /// The grey tone curve at `progress`: code value to code value.
    func toneCurve(progress p: Double) -> [UInt8] {
        let k = 1 + p * contrast
        return (0..<256).map { v in
            let l = Lab(red: Double(v) / 255, green: Double(v) / 255, blue: Double(v) / 255).l
            let target = min(100, max(0, pivot + (l - pivot) * k + p * brightness))
            return UInt8(min(255, max(0, (Lab(l: target, a: 0, b: 0).rgb.red * 255).rounded())))
        }
    }

    private static func clip(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v < 0 ? 0 : (v > 255 ? 255 : v)) }
}
