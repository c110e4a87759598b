extension MediaInfo {
    /// A few readable lines: the file, then one line per stream, then any problems. Ends with a newline.
    ///
    ///     clip.mp4: mov,mp4,m4a,3gp,3g2,mj2, 1589891 bytes, 5.042 s, 2522635 b/s
    ///       #0 video h264 (High) 1280x720 -> 720x1280 (rotation 90), yuv420p 8-bit, 24/1 fps, 5.042 s, 121 frames (3 keyframes), B-frames
    ///       #1 audio aac (LC) 48000 Hz stereo fltp, 5.041 s, 237 frames
    public var summary: String {
        var header = "\(path): \(format), \(size) bytes"
        if let duration { header += ", \(Self.seconds(duration)) s" }
        if let bitRate { header += ", \(bitRate) b/s" }
        if !isHealthy { header += truncated ? " [TRUNCATED]" : " [NOT DECODABLE]" }
        var lines = [header]
        for s in streams { lines.append("  " + s.summary) }
        for p in problems { lines.append("  problem: " + p) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func seconds(_ value: Double) -> String {
        let ms = Int((value * 1000).rounded())
        let sign = ms < 0 ? "-" : ""
        let a = abs(ms)
        let frac = String(a % 1000)
        return "\(sign)\(a / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }
}

extension StreamInfo {
    /// One readable line describing the stream (without a newline).
    public var summary: String {
        var text = "#\(index) \(kind.rawValue) \(codec)"
        if let profile { text += " (\(profile))" }
        if kind == .other, let codecTag { text += " [\(codecTag)]" }
        var parts: [String] = []
        if let v = video {
            var size = "\(v.width)x\(v.height)"
            if v.displayWidth != v.width || v.displayHeight != v.height { size += " -> \(v.displayWidth)x\(v.displayHeight)" }
            if v.rotation != 0 { size += " (rotation \(v.rotation))" }
            if let sar = v.sar, sar.num != sar.den { size += " SAR \(sar.num):\(sar.den)" }
            parts.append(size)
            var pixel = v.pixFmt ?? "unknown pixel format"
            if let depth = v.bitDepth { pixel += " \(depth)-bit" }
            let colours = [v.colorRange, v.colorSpace, v.colorPrimaries, v.colorTransfer].compactMap { $0 }
            if !colours.isEmpty { pixel += " (\(colours.joined(separator: "/")))" }
            parts.append(pixel)
            if let rate = v.frameRate { parts.append("\(rate) fps") }
        }
        if let a = audio {
            parts.append("\(a.sampleRate) Hz \(a.channelLayout ?? "\(a.channels) channels") \(a.sampleFmt ?? "")".trimmingSpaces)
        }
        if let i = image {
            var pixel = "\(i.width)x\(i.height)"
            if let fmt = i.pixFmt { pixel += " \(fmt)" }
            if let depth = i.bitDepth { pixel += " \(depth)-bit" }
            if i.hasAlpha { pixel += " with alpha" }
            parts.append(pixel)
        }
        if let duration, kind != .image { parts.append("\(MediaInfo.seconds(duration)) s") }
        if let count = frameCount {
            var frames = "\(count) frames"
            if let keys = video?.keyframeCount { frames += " (\(keys) keyframes)" }
            parts.append(frames)
        }
        if video?.hasBFrames == true { parts.append("B-frames") }
        if !parts.isEmpty { text += " " + parts.joined(separator: ", ") }
        return text
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
