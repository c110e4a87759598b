/// One look at a downloaded shot: the file is opened once and every video frame decoded once, and that gives the
/// probe, the verification, the first and last displayed frames and per-frame statistics.
///
/// The same answers as `MediaProbe.probe`, `Verifier.verify` and `FrameExtractor.extract` (`.first`, `.last`) made
/// one after another, which read the file four times. The probe runs on the open file; the demuxer then goes back
/// to the first video packet and the full decode of the verification (`Verifier`'s, with its error counting) also
/// keeps the first frame, the frame with the greatest timestamp (the one a player shows last) and the statistics.
/// From them come the shot's colour (`LabStatistics` of its first, middle and last frames; the middle is the frame
/// nearest the middle of the stream's time span, or the last one when no duration is known), its QA findings
/// (`ShotQA`) and the frames held at its ends (`HoldDetector`).
/// A file whose demuxer cannot go back is opened a second time for the decode.
///
/// For an image file (PNG, JPEG, WebP) the probe decodes the picture; it is both `firstFrame` and `lastFrame`,
/// `frames` is empty and the checks are those that apply to an image.
public enum ShotCheck {
    /// Opens `path` once, probes it, decodes every frame once, verifies against `request`.
    ///
    /// The checks are those `Verifier.verify(path, request)` makes, with the same names and results (the decode
    /// check when `request.decode`, as for every video request made from model parameters). A failed check is
    /// reported in `verification`, not thrown.
    /// - Throws: `MediaError` naming the file when it cannot be read at all: not found, not media, no video or image
    ///   stream, or not one frame decoded.
    public static func check(_ path: String, against request: VerificationRequest) throws -> ShotCheckResult {
        try check(path, against: request, pixelLimit: FrameOptions().pixelLimit)
    }

    /// `check(_:against:)` with the pixel limit of the frames (`FrameOptions.pixelLimit`): a larger video is refused
    /// with `tooManyPixels` before anything is decoded, as `FrameExtractor` refuses it.
    public static func check(_ path: String, against request: VerificationRequest, pixelLimit: Int) throws -> ShotCheckResult {
        let container = try MediaProbe.open(path)
        let run = ProbeRun(container: container, options: ProbeOptions(), keepsImageFrame: true)
        let info = try run.probe()
        if let video = info.video {
            if let v = video.video, v.width * v.height > pixelLimit {
                throw MediaError.tooManyPixels(path: path, width: v.width, height: v.height, limit: pixelLimit)
            }
            return try checkVideo(info, stream: video.index, container: container, request: request, pixelLimit: pixelLimit)
        }
        guard let image = info.image else { throw MediaError.noStream(path: path, kind: "video or image") }
        guard let frame = run.imageFrame else {
            throw info.healthError ?? MediaError.decodeFailed(path: path, detail: "the image could not be decoded")
        }
        let picture = try PictureConverter.convert(frame, stream: container.stream(image.index), path: path, pixelLimit: pixelLimit)
        // Without a video stream the verifier decodes nothing: the image was decoded by the probe.
        let verification = Verifier.verify(info, request) { _ in DecodeScan() }
        return ShotCheckResult(info: info, verification: verification, firstFrame: picture.image, lastFrame: picture.image, frames: [])
    }

    /// The decode pass of a video: every frame of stream `index`, from the first packet.
    static func checkVideo(
        _ info: MediaInfo, stream index: Int, container: InputContainer, request: VerificationRequest, pixelLimit: Int
    ) throws -> ShotCheckResult {
        let path = info.path
        var source = container
        if (try? container.rewind(stream: index)) == nil { source = try InputContainer(path: path) }
        let stream = source.stream(index)
        let pass = ShotPass(path: path, stream: stream, middleSeconds: middleSeconds(info))
        let scan = Result { try DecodeScan.run(container: source, stream: index, onFrame: pass.add) }
        let verification = Verifier.verify(info, request) { _ in try scan.get() }
        if let failure = pass.failure { throw failure }
        guard pass.hasFirst, pass.latest.kept else {
            if case .failure(let error as MediaError) = scan { throw error }
            throw MediaError.decodeFailed(path: path, detail: "no video frame could be decoded")
        }
        let first = try PictureConverter.convert(pass.first, stream: stream, path: path, pixelLimit: pixelLimit)
        let last = try PictureConverter.convert(pass.latest.frame, stream: stream, path: path, pixelLimit: pixelLimit)
        // The colour is measured on the decoded samples; a format the grid does not read on the converted pictures.
        let middle = pass.hasMiddle ? pass.middle : pass.latest.frame
        func measure(_ frame: Frame, _ picture: @autoclosure () throws -> PixelImage) rethrows -> LabStatistics {
            try LabStatistics.measure(frame) ?? LabStatistics.measure(picture())
        }
        let colour = ShotColour(
            first: measure(pass.first, first.image),
            middle: try measure(middle, try PictureConverter.convert(middle, stream: stream, path: path, pixelLimit: pixelLimit).image),
            last: measure(pass.latest.frame, last.image))
        let frames = pass.statistics
        return ShotCheckResult(
            info: info, verification: verification, firstFrame: first.image, lastFrame: last.image, frames: frames, colour: colour,
            findings: ShotQA.findings(in: frames), held: HoldDetector.held(in: frames))
    }

    /// The middle of the video stream's time span (its start plus half its duration, or the container's), when a
    /// duration is known.
    static func middleSeconds(_ info: MediaInfo) -> Double? {
        guard let duration = info.video?.duration ?? info.duration, duration.isFinite, duration > 0 else { return nil }
        let start = info.video?.startTime ?? info.startTime ?? 0
        return (start.isFinite ? start : 0) + duration / 2
    }
}
