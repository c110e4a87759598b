import Foundation
import MediaKit

/// The assembly step: the run's video shots joined into the storyboard's output with its seam policy (under
/// `seam: auto`, the held frames at each seam trimmed) and each colour-matched shot's correction ramped over it, then
/// one check pass over the result (`FinalVideoCheck`).
///
/// A pure function of the downloaded shots, so running it again after a crash gives the same file; the output
/// appears only when complete (`Concatenator` writes to a temporary name and re-probes).
struct ChainAssembly {
    /// The storyboard's defaults (output name, seam policy, encode preset).
    var defaults: StoryboardDefaults
    /// The out folder.
    var options: ChainOptions

    /// Joins `videos` (in order) and says how each went in.
    ///
    /// - Throws: `StoryboardError.shotFailed` naming the last shot when assembly fails.
    func assemble(_ videos: [ShotOutcome], into report: inout ChainReport) throws {
        guard let last = videos.last else { return }
        let output = defaults.output
        let trim = SeamTrim(videos, seam: defaults.seam)
        let concat = ConcatOptions(
            seam: trim.policy, reencode: .auto, preset: defaults.encodePreset.map { URL(fileURLWithPath: $0) }, edits: trim.edits)
        let assembled: ConcatReport
        do {
            assembled = try Concatenator.concatenate(videos.map { options.path($0.file) }, to: options.path(output), options: concat)
        } catch {
            throw StoryboardError.shotFailed(shot: last.id, message: "assembling \(output): \(error)")
        }
        report.final = output
        report.finalFrames = assembled.framesOut
        report.finalDurationSeconds = assembled.videoDuration
        report.assembly = zip(videos, assembled.segments).map { shot, segment in
            SegmentOutcome(
                shot: shot.id, file: shot.file, video: segment.video, reason: segment.reason, framesIn: segment.framesIn,
                framesOut: segment.framesOut)
        }
        for s in report.seams.indices {
            guard let k = videos.firstIndex(where: { $0.id == report.seams[s].from }), let t = trim.trimmed(atSeam: k) else { continue }
            report.seams[s].trimmedHead = t.head
            report.seams[s].trimmedTail = t.tail
        }
        try FinalVideoCheck(options: options).measure(output, videos: videos, framesOut: assembled.segments.map(\.framesOut), into: &report)
    }
}
