import Foundation
import MediaKit
import Segmind

/// The check and extract steps of a shot: one look at the downloaded file verifies it against the request that
/// produced it, measures its colour, holds and defects, and writes its first and exact last displayed frames to
/// `frames/` (and, when its colour is matched, the corrected last frame it hands on). Idempotent: running it again on
/// the same file gives the same outcome and the same frames.
struct ShotInspection {
    /// Checks the shot's file and writes its frames; `reference` is what its colour is matched to (nil: its own
    /// first frame).
    ///
    /// - Throws: `StoryboardError.verificationFailed` listing every failed check, `.shotFailed` when the file
    ///   cannot be read.
    func inspect(_ context: ShotContext, reference: LabStatistics? = nil) throws -> ShotOutcome {
        let shot = context.shot
        let file = context.file
        let path = context.path(file)
        guard shot.model.returns == .video else {
            return ShotOutcome(
                id: shot.id, model: shot.model.slug, file: file, firstFrame: file, lastFrame: file, durationSeconds: nil, costUSD: nil,
                requestID: nil, checks: [])
        }
        let first = "frames/\(shot.id)-first.png"
        let last = "frames/\(shot.id)-last.png"
        let result: ShotCheckResult
        do {
            result = try ShotCheck.check(path, against: Self.request(for: shot))
        } catch {
            throw StoryboardError.shotFailed(shot: shot.id, message: "\(path): \(error)")
        }
        let checks = result.verification.checks
        let failures = checks.filter { !$0.passed }.map { "\($0.name) expected \($0.expected), got \($0.actual)" }
        if !failures.isEmpty { throw StoryboardError.verificationFailed(shot: shot.id, path: path, failures: failures) }
        do {
            // Written every time from the file in hand: frames of an earlier take are never reused.
            try ImageFile.write(result.firstFrame, to: context.path(first))
            try ImageFile.write(result.lastFrame, to: context.path(last))
        } catch {
            throw StoryboardError.shotFailed(shot: shot.id, message: "\(path): \(error)")
        }
        let info = result.info
        var outcome = ShotOutcome(
            id: shot.id, model: shot.model.slug, file: file, firstFrame: first, lastFrame: last,
            durationSeconds: info.video?.duration ?? info.duration,
            costUSD: nil, requestID: nil, checks: checks)
        outcome.colour = result.colour
        outcome.findings = result.findings
        outcome.held = result.held
        outcome.inspected = InspectedVideo(
            first: result.colour?.first ?? LabStatistics.measure(result.firstFrame),
            last: result.colour?.last ?? LabStatistics.measure(result.lastFrame),
            frameCount: result.frames.isEmpty ? (info.video?.frameCount ?? 0) : result.frames.count, frameRate: info.video?.video?.frameRate)
        try ShotColourMatch().apply(shot.colour, reference: reference, lastFrame: result.lastFrame, to: &outcome, context)
        return outcome
    }

    /// What the shot's file must be, as `shotchain verify` checks it: the duration within a frame plus 50 ms, the
    /// aspect, audio present exactly when asked for, and every frame decoding cleanly.
    static func request(for shot: PlannedShot) -> VerificationRequest {
        let expected = shot.model.expectations(for: shot.parameters)
        // No audio role: the model adds no sound track.
        return VerificationRequest(duration: expected.durationSeconds, aspect: expected.aspectRatio, audio: expected.audio ?? false, decode: true)
    }
}
