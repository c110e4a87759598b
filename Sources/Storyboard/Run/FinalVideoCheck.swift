import Foundation
import MediaKit

/// One `ShotCheck` pass over the assembled video: from its per-frame statistics, at each seam the colour difference
/// (CIE76 dE of the mean Lab) of the two frames that meet and the frame difference across it over the two shots'
/// median, and each shot's drift against the anchor in the final video; the two frames meeting at each seam are
/// written to `frames/seam-A-B-from.png` and `-to.png`.
struct FinalVideoCheck {
    /// The out folder.
    var options: ChainOptions

    /// Measures `output` (relative to the out folder), whose video shots `videos` contributed `framesOut` frames
    /// each, in order, into `report`'s seams and shots.
    ///
    /// - Throws: `StoryboardError.shotFailed` naming the last shot when the video cannot be read or its frames written.
    func measure(_ output: String, videos: [ShotOutcome], framesOut: [Int], into report: inout ChainReport) throws {
        guard let lastShot = videos.last else { return }
        let path = options.path(output)
        let frames: [FrameStatistics]
        do {
            frames = try ShotCheck.check(path, against: VerificationRequest()).frames
        } catch {
            throw StoryboardError.shotFailed(shot: lastShot.id, message: "checking \(output): \(error)")
        }
        guard !frames.isEmpty, frames.count == framesOut.reduce(0, +) else { return }
        let labs = frames.map(\.lab)
        var starts: [Int] = []
        var start = 0
        for n in framesOut {
            starts.append(start)
            start += n
        }
        for (k, video) in videos.enumerated() where framesOut[k] > 0 {
            if let i = report.shots.firstIndex(where: { $0.id == video.id }) {
                report.shots[i].finalDriftDeltaE = labs[starts[k] + framesOut[k] - 1].deltaE(labs[0])
            }
        }
        for s in report.seams.indices {
            guard let k = videos.firstIndex(where: { $0.id == report.seams[s].from }), k + 1 < videos.count,
                videos[k + 1].id == report.seams[s].to, framesOut[k] > 0, framesOut[k + 1] > 0
            else { continue }
            let at = starts[k + 1]
            report.seams[s].deltaE = labs[at - 1].deltaE(labs[at])
            // The two shots' own motion: their frames' differences from the outgoing one's second frame to the incoming
            // one's last (the seam's own difference is one of many: the median does not see it).
            let median = ShotMotion.medianDifference(of: frames, in: (starts[k] + 1)..<(at + framesOut[k + 1]))
            if median > 0 { report.seams[s].differenceRatio = frames[at].lumaDifference / median }
            let name = "frames/seam-\(report.seams[s].from)-\(report.seams[s].to)"
            do {
                try ImageFile.write(try FrameExtractor.extract(from: path, .index(at - 1)).image, to: options.path(name + "-from.png"))
                try ImageFile.write(try FrameExtractor.extract(from: path, .index(at)).image, to: options.path(name + "-to.png"))
            } catch {
                throw StoryboardError.shotFailed(shot: report.seams[s].to, message: "writing the frames meeting at its seam in \(output): \(error)")
            }
            report.seams[s].fromFrame = name + "-from.png"
            report.seams[s].toFrame = name + "-to.png"
        }
    }
}
