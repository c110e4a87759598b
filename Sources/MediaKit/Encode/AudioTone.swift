import Foundation

/// Test tones: interleaved float samples ready for `VideoWriter.appendAudio(_:)`.
public enum AudioTone {
    /// A sine wave of `frequency` Hz, `seconds` long, the same on every channel, interleaved.
    ///
    /// - Parameters:
    ///   - frequency: the pitch in Hz (440 for A4).
    ///   - seconds: the length; the sample count per channel is `seconds * sampleRate`, rounded.
    ///   - sampleRate: samples per second per channel.
    ///   - channels: channels per instant (the result holds `channels` values for each sample).
    ///   - amplitude: the peak value, 0.5 (-6 dBFS) unless given.
    /// - Returns: `round(seconds * sampleRate) * channels` values in [-amplitude, amplitude].
    public static func sine(frequency: Double, seconds: Double, sampleRate: Int, channels: Int, amplitude: Float = 0.5) -> [Float] {
        let count = max(0, Int((seconds * Double(sampleRate)).rounded()))
        let channels = max(1, channels)
        var samples = [Float](repeating: 0, count: count * channels)
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        for i in 0..<count {
            let value = amplitude * Float(sin(step * Double(i)))
            for c in 0..<channels { samples[i * channels + c] = value }
        }
        return samples
    }

    /// Silence: `round(seconds * sampleRate) * channels` zeros.
    public static func silence(seconds: Double, sampleRate: Int, channels: Int) -> [Float] {
        [Float](repeating: 0, count: max(0, Int((seconds * Double(sampleRate)).rounded())) * max(1, channels))
    }
}
