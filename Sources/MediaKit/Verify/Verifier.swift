import CFFmpeg
import Foundation

/// Checks a media file against a `VerificationRequest` (what a generation was asked to produce).
public enum Verifier {
    /// Verifies `path` against `request`.
    ///
    /// Duration is the video stream's duration (rotation-free, edit-list aware) and passes within the
    /// tolerance (default one frame plus 50 ms). Aspect compares display dimensions within 1%. Resolution
    /// compares display dimensions exactly. fps passes within 0.1% (at least 0.01). Frames compares the
    /// probed count of displayed frames.
    /// - Returns: the report; a failed check is not an error.
    /// - Throws: `MediaError` when the file cannot be read as media at all.
    public static func verify(_ path: String, _ request: VerificationRequest) throws -> VerificationReport {
        verify(try MediaProbe.probe(path), request)
    }

    /// Verifies an already probed file (`info.path`) against `request`; the same checks as `verify(_:_:)`.
    public static func verify(_ info: MediaInfo, _ request: VerificationRequest) -> VerificationReport {
        verify(info, request) { stream in try DecodeScan.run(path: info.path, stream: stream) }
    }

    /// The checks of `verify(_:_:)`, with the full decode of video stream `stream` (for the decode check) made by
    /// `decodeScan`: a new one of the file, or one already made (`ShotCheck`).
    static func verify(_ info: MediaInfo, _ request: VerificationRequest, decodeScan: (_ stream: Int) throws -> DecodeScan) -> VerificationReport {
        let path = info.path
        var checks: [VerificationCheck] = []
        let video = info.video
        let frameRate = video?.video?.frameRate?.isValid == true ? video!.video!.frameRate!.doubleValue : nil
        let displaySize: (Int, Int)? =
            if let v = video?.video { (v.displayWidth, v.displayHeight) } else if let i = info.image?.image { (i.width, i.height) } else { nil }

        if let expected = request.duration {
            let frame = frameRate.map { 1 / $0 } ?? 0
            let tolerance = request.tolerance ?? (frame + 0.05)
            if let actual = video?.duration {
                checks.append(
                    VerificationCheck(
                        name: "duration", expected: "\(decimalText(expected)) s ±\(decimalText(tolerance)) s", actual: "\(decimalText(actual)) s",
                        passed: abs(actual - expected) <= tolerance + 1e-9))
            } else {
                checks.append(VerificationCheck(name: "duration", expected: "\(decimalText(expected)) s", actual: "no video stream", passed: false))
            }
        }
        if let aspect = request.aspect {
            let ratio = VerificationRequest.aspectRatio(aspect)
            if let ratio, let (w, h) = displaySize, h > 0 {
                let actual = Double(w) / Double(h)
                checks.append(
                    VerificationCheck(
                        name: "aspect", expected: aspect, actual: "\(w)x\(h) (\(decimalText(actual)))",
                        passed: abs(actual - ratio) <= 0.01 * ratio))
            } else {
                checks.append(
                    VerificationCheck(
                        name: "aspect", expected: aspect, actual: ratio == nil ? "invalid expected aspect" : "no picture", passed: false))
            }
        }
        if let resolution = request.resolution {
            let actual = displaySize.map { "\($0.0)x\($0.1)" } ?? "no picture"
            checks.append(
                VerificationCheck(
                    name: "resolution", expected: resolution.description, actual: actual,
                    passed: displaySize.map { $0.0 == resolution.width && $0.1 == resolution.height } ?? false))
        }
        if let fps = request.fps {
            let passed = frameRate.map { abs($0 - fps) <= max(0.01, fps * 0.001) } ?? false
            checks.append(
                VerificationCheck(
                    name: "fps", expected: decimalText(fps), actual: frameRate.map { decimalText($0) } ?? "unknown", passed: passed))
        }
        if let frames = request.frames {
            let actual = video?.video?.frameCount
            checks.append(
                VerificationCheck(name: "frames", expected: "\(frames)", actual: actual.map { "\($0)" } ?? "unknown", passed: actual == frames))
        }
        if let audio = request.audio {
            let actual = info.audio
            let text = actual.map { a in "yes (\(a.codec)\(a.duration.map { ", \(decimalText($0)) s" } ?? ""))" } ?? "no"
            checks.append(VerificationCheck(name: "audio", expected: audio ? "yes" : "no", actual: text, passed: (actual != nil) == audio))
        }
        if request.decode {
            checks.append(decodeCheck(info: info, frameRate: frameRate, decodeScan: decodeScan))
        }
        return VerificationReport(path: path, checks: checks)
    }

    /// Decodes every video frame and reports problems.
    static func decodeCheck(info: MediaInfo, frameRate: Double?, decodeScan: (Int) throws -> DecodeScan) -> VerificationCheck {
        var problems: [String] = []
        if info.truncated { problems.append("truncated") }
        var decoded = 0
        if let stream = info.video {
            do {
                let result = try decodeScan(stream.index)
                decoded = result.frames
                if result.errors > 0 { problems.append("\(result.errors) decode errors") }
                if result.corrupt > 0 { problems.append("\(result.corrupt) corrupt frames") }
                if let expected = stream.video?.frameCount, expected != decoded {
                    problems.append("decoded \(decoded) of \(expected) frames")
                }
                if let fps = frameRate, info.video?.video?.frameRate == info.video?.video?.realFrameRate {
                    // Constant frame rate: consecutive frames must be at most 1.5 frame durations apart.
                    let limit = 1.5 / fps
                    let tb = stream.timeBase.doubleValue
                    let pts = result.timestamps.sorted()
                    var gaps = 0
                    for i in pts.indices.dropFirst() where Double(pts[i] - pts[i - 1]) * tb > limit + 1e-9 { gaps += 1 }
                    if gaps > 0 { problems.append("\(gaps) timestamp gaps over 1.5 frames") }
                }
            } catch {
                problems.append("\(error)")
            }
        } else if info.image == nil {
            problems.append("no video stream")
        }
        let actual = problems.isEmpty ? "\(decoded) frames decoded cleanly" : problems.joined(separator: "; ")
        return VerificationCheck(name: "decode", expected: "every frame decodes", actual: actual, passed: problems.isEmpty)
    }
}

/// A number with up to three decimals and no trailing zeros ("5", "5.042").
func decimalText(_ value: Double) -> String {
    var text = String(format: "%.3f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}
