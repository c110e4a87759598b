import Foundation
import MediaKit
import SegmindCatalog

/// Renders a job's output media into the simulator's output folder, the way Kling's results look:
/// 24 fps, `duration x 24 + 1` frames, the start image fitted to the first frame, a slow zoom and a moving
/// marker after it, and a cross-dissolve onto the end image when one is given; with the configured defects
/// (drift, hold, faults by prompt) put in by ``RenderedFrames``.
struct MediaRenderer: Sendable {
    /// The folder holding one subfolder per output.
    let directory: URL

    /// Renders synchronously (call it off the event loops); a problem becomes the FAILED job's error.
    func render(_ job: RenderJob) throws(InputProblem) -> OutputFile {
        do {
            return try renderMedia(job)
        } catch let problem as InputProblem {
            throw problem
        } catch {
            throw InputProblem(message: "rendering failed: \(error)")
        }
    }

    private func renderMedia(_ job: RenderJob) throws -> OutputFile {
        let request = job.request
        let folder = directory.appendingPathComponent(job.id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var images: [String: PixelImage] = [:]
        for input in request.inputURLs where !input.isVideo {
            images[input.parameter] = try decodeImage(job, input: input, folder: folder)
        }
        let videoFrame = try request.inputURLs.first(where: \.isVideo).flatMap { try checkVideo(job, input: $0, folder: folder) }
        let startParameter = request.startParameters.first { images[$0] != nil }
        // A video-to-video job starts from (and follows the aspect of) its reference video.
        let start = videoFrame ?? startParameter.flatMap { images[$0] }
        let end = request.endParameter.flatMap { images[$0] }
        let aspect = request.requestedAspect ?? start.map { AspectRatio.nearest(width: $0.width, height: $0.height) } ?? .landscape
        let full = aspect.size(mode: request.mode, output: request.model.output)
        let width = Self.even(Double(full.width) * job.scale)
        let height = Self.even(Double(full.height) * job.scale)
        let base = try start?.resized(width: width, height: height, mode: .fit).droppingAlpha() ?? Self.pattern(width: width, height: height)

        switch request.model.output {
        case .image:
            let ext = request.outputFormat == "jpg" ? "jpg" : "png"
            let name = "output.\(ext)"
            let path = folder.appendingPathComponent(name).path
            let picture = Self.frame(base, index: 1, count: 25, end: nil)
            try ImageFile.write(picture, to: path)
            return try output(job, name: name, path: path, contentType: ext == "jpg" ? "image/jpeg" : "image/png")
        case .video:
            let endFitted = try end?.resized(width: width, height: height, mode: .fit).droppingAlpha()
            let count = request.duration * 24 + 1
            let audio = request.wantsAudio ? AudioEncodeSettings(sampleRate: 48000, channels: 2) : nil
            let name = "output.mp4"
            let path = folder.appendingPathComponent(name).path
            let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: width, height: height, audio: audio))
            let frames = RenderedFrames(base: base, end: endFitted, count: count, defects: job.defects, prompt: request.prompt)
            for index in 0..<count {
                try writer.append(frames.frame(index))
            }
            if let audio {
                try writer.appendAudio(Self.tone(seconds: Double(count) / 24, sampleRate: audio.sampleRate, channels: audio.channels))
            }
            try writer.finish()
            return try output(job, name: name, path: path, contentType: "video/mp4")
        }
    }

    private func output(_ job: RenderJob, name: String, path: String, contentType: String) throws -> OutputFile {
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return OutputFile(id: job.id, name: name, path: path, contentType: contentType, size: size)
    }

    /// Decodes a fetched image input and applies the model's image limits (format, smallest side, aspect between
    /// the catalog's bounds); a problem fails the job naming the parameter and the URL.
    private func decodeImage(_ job: RenderJob, input: InputURL, folder: URL) throws -> PixelImage? {
        let parameter = input.parameter
        let url = input.url
        guard case .image(let format, let bytes)? = job.inputs[parameter] else { return nil }
        let limits = job.request.model.spec.inputLimits.image
        let formats = (limits?.formats ?? ["png", "jpeg"]).map { $0 == "jpeg" ? "jpg" : $0 }
        guard formats.contains(format) else {
            let names = formats.map { $0.uppercased() }.sorted().joined(separator: " or ")
            throw InputProblem(message: "\(parameter): \(url) is a \(format.uppercased()) image; Kling accepts \(names)")
        }
        let path = folder.appendingPathComponent("input-\(parameter.filter { $0.isLetter || $0.isNumber }).\(format)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let image: PixelImage
        do {
            image = try ImageFile.read(path)
        } catch {
            throw InputProblem(message: "\(parameter): \(url) is not a readable image (\(error))")
        }
        guard let limits else { return image }
        guard min(image.width, image.height) >= limits.minSide else {
            throw InputProblem(
                message: "\(parameter): \(url) is \(image.width)x\(image.height); Kling needs at least \(limits.minSide) px on each side")
        }
        let ratio = Double(image.width) / Double(max(image.height, 1))
        guard ratio >= limits.minAspect - 1e-9 && ratio <= limits.maxAspect + 1e-9 else {
            let low = JSONValue.formatNumber((1 / limits.minAspect * 1000).rounded() / 1000)
            let high = JSONValue.formatNumber(limits.maxAspect)
            throw InputProblem(
                message: "\(parameter): \(url) is \(image.width)x\(image.height); Kling needs an aspect ratio between 1:\(low) and \(high):1")
        }
        return image
    }

    /// Probes the reference video and applies the model's video limits (sides, duration, frame rate); returns its
    /// first frame.
    private func checkVideo(_ job: RenderJob, input: InputURL, folder: URL) throws -> PixelImage? {
        let parameter = input.parameter
        let url = input.url
        guard case .video(let container, let bytes)? = job.inputs[parameter] else { return nil }
        let path = folder.appendingPathComponent("input-video.\(container)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info: MediaInfo
        let first: ExtractedFrame
        do {
            info = try MediaProbe.probe(path)
            first = try FrameExtractor.extract(from: path, .first)
        } catch {
            throw InputProblem(message: "\(parameter): \(url) is not a readable video (\(error))")
        }
        guard let stream = info.video, let video = stream.video else {
            throw InputProblem(message: "\(parameter): \(url) has no video stream")
        }
        guard let limits = job.request.model.spec.inputLimits.video else { return first.image.droppingAlpha() }
        let (w, h) = (video.displayWidth, video.displayHeight)
        guard min(w, h) >= limits.minSide && max(w, h) <= limits.maxSide else {
            throw InputProblem(message: "\(parameter): \(url) is \(w)x\(h); Kling needs \(limits.minSide) to \(limits.maxSide) px")
        }
        let seconds = stream.duration ?? info.duration ?? 0
        guard seconds >= limits.minSeconds - 0.05 && seconds <= limits.maxSeconds + 0.05 else {
            throw InputProblem(
                message:
                    "\(parameter): \(url) is \(String(format: "%.2f", seconds)) s long; Kling needs \(JSONValue.formatNumber(limits.minSeconds)) to \(JSONValue.formatNumber(limits.maxSeconds)) s"
            )
        }
        let fps = video.frameRate?.doubleValue ?? 0
        guard fps >= limits.minFPS - 0.1 && fps <= limits.maxFPS + 0.1 else {
            throw InputProblem(
                message:
                    "\(parameter): \(url) runs at \(String(format: "%.3f", fps)) fps; Kling needs \(JSONValue.formatNumber(limits.minFPS)) to \(JSONValue.formatNumber(limits.maxFPS)) fps"
            )
        }
        return first.image.droppingAlpha()
    }

    /// The nearest even number to `value`, at least 2.
    static func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }

    /// A picture for jobs without an input image: a diagonal gradient.
    static func pattern(width: Int, height: Int) -> PixelImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / max(width - 1, 1))
                pixels[i + 1] = UInt8(y * 255 / max(height - 1, 1))
                pixels[i + 2] = 128
            }
        }
        return PixelImage(width: width, height: height, hasAlpha: false, pixels: pixels)
    }

    /// Frame `index` of `count`: the first is `base` itself; later ones zoom in slowly (up to 10%) under a faint
    /// moving ripple with a marker crossing the lower part of the picture; with `end`, the last third dissolves onto
    /// it and the last frame is `end`.
    ///
    /// The ripple (diagonal waves of +-8 code values added to R, G and B, 16 px long, a quarter wave further on each
    /// frame) makes every frame differ from the one before by 0.008 to 0.027 of full scale (`lumaDifference`) even
    /// on a smooth picture, where the zoom alone changes 0.0003 or less, so the motion never reads as a freeze. It
    /// averages out: on a smooth picture the rendered frames' mean colour moves by about 0.1 dE from one frame to the
    /// next (a saturated, detailed one moves more, up to about 0.8 dE, from the zoom itself). The marker fades in over
    /// the first 12 frames so that its appearance does not move the mean colour at once.
    static func frame(_ base: PixelImage, index: Int, count: Int, end: PixelImage?) -> PixelImage {
        if index == 0 { return base }
        let w = base.width
        let h = base.height
        let t = Double(index) / Double(max(count - 1, 1))
        if let end, index == count - 1 { return end }
        let zoom = 1 + 0.1 * t
        let xs = (0..<w).map { x in min(w - 1, max(0, Int((Double(w) / 2 + (Double(x) + 0.5 - Double(w) / 2) / zoom).rounded(.down)))) }
        let ys = (0..<h).map { y in min(h - 1, max(0, Int((Double(h) / 2 + (Double(y) + 0.5 - Double(h) / 2) / zoom).rounded(.down)))) }
        let xOffsets = xs.map { $0 * 3 }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        let side = max(2, h / 8)
        let markerX = Int(t * Double(w - side))
        let markerY = min(h - side, h * 3 / 4)
        let weight = end == nil ? 0 : max(0, (t - 2.0 / 3.0) * 3)
        let fade = Int((weight * weight * 256).rounded())
        base.pixels.withUnsafeBufferPointer { srcBuffer in
            out.withUnsafeMutableBufferPointer { dstBuffer in
                xOffsets.withUnsafeBufferPointer { offsetBuffer in
                    // Raw pointers: no per-pixel bounds checks (the indices are clamped above), fast in debug builds too.
                    let src = srcBuffer.baseAddress!
                    var dst = dstBuffer.baseAddress!
                    let offsets = offsetBuffer.baseAddress!
                    Self.ripple.withUnsafeBufferPointer { wave in
                        for y in 0..<h {
                            let row = src + ys[y] * w * 3
                            let phase = (y &* 8 &+ index &* 64) & 255
                            for x in 0..<w {
                                let pixel = row + offsets[x]
                                let r = wave[(phase &+ x &* 16) & 255]
                                dst[0] = clamp(Int(pixel[0]) &+ r)
                                dst[1] = clamp(Int(pixel[1]) &+ r)
                                dst[2] = clamp(Int(pixel[2]) &+ r)
                                dst += 3
                            }
                        }
                    }
                    // The marker: a yellow square with a black border, fading in over the first 12 frames.
                    let out = dstBuffer.baseAddress!
                    let opacity = min(256, index * 256 / 12)
                    let keep = 256 - opacity
                    for y in markerY..<(markerY + side) {
                        for x in markerX..<(markerX + side) {
                            let edge = y < markerY + 2 || y >= markerY + side - 2 || x < markerX + 2 || x >= markerX + side - 2
                            let d = out + (y * w + x) * 3
                            d[0] = UInt8(truncatingIfNeeded: (Int(d[0]) &* keep &+ (edge ? 0 : 255) &* opacity) >> 8)
                            d[1] = UInt8(truncatingIfNeeded: (Int(d[1]) &* keep &+ (edge ? 0 : 255) &* opacity) >> 8)
                            d[2] = UInt8(truncatingIfNeeded: (Int(d[2]) &* keep &+ (edge ? 0 : 64) &* opacity) >> 8)
                        }
                    }
                }
            }
        }
        if let end, fade > 0 {
            end.pixels.withUnsafeBufferPointer { endBuffer in
                out.withUnsafeMutableBufferPointer { dstBuffer in
                    let e = endBuffer.baseAddress!
                    let d = dstBuffer.baseAddress!
                    let keep = 256 - fade
                    for i in 0..<dstBuffer.count {
                        d[i] = UInt8(truncatingIfNeeded: (Int(d[i]) &* keep &+ Int(e[i]) &* fade) >> 8)
                    }
                }
            }
        }
        return PixelImage(width: w, height: h, hasAlpha: false, pixels: out)
    }

    /// One wave of the ripple: 256 steps of a sine of amplitude 8 code values.
    static let ripple: [Int] = (0..<256).map { Int((8 * sin(2 * Double.pi * Double($0) / 256)).rounded()) }

    @inline(__always) private static func clamp(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v < 0 ? 0 : (v > 255 ? 255 : v)) }

    /// A quiet 440 Hz tone, interleaved.
    static func tone(seconds: Double, sampleRate: Int, channels: Int) -> [Float] {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [Float](repeating: 0, count: frames * channels)
        for i in 0..<frames {
            let v = Float(0.3 * sin(2 * Double.pi * 440 * Double(i) / Double(sampleRate)))
            for c in 0..<channels { samples[i * channels + c] = v }
        }
        return samples
    }
}
