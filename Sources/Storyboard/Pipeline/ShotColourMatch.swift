import Foundation
import MediaKit

/// The colour step of a video shot: the correction that takes its last frame's colour statistics to its reference's
/// (the anchor's first frame, or the previous video shot's handed-on picture), scaled by the shot's strength, and its
/// last frame with the full correction written to `frames/ID-seed.png` as the picture the next shots start from.
///
/// A pure function of the shot's file and its reference, so a resumed run writes the same seed bytes.
struct ShotColourMatch {
    /// Fills in `outcome`'s colour fields for `plan` and, when the colour is matched, writes the seed picture made from
    /// `lastFrame` with `reference` as the aim (nil: the shot's own first frame, for the anchor).
    ///
    /// - Throws: `StoryboardError.shotFailed` naming the shot when the seed cannot be written.
    func apply(_ plan: ColourPlan, reference: LabStatistics?, lastFrame: PixelImage, to outcome: inout ShotOutcome, _ context: ShotContext) throws {
        outcome.colorMatch = plan.mode.rawValue
        guard plan.mode != .off, var inspected = outcome.inspected else { return }
        let transfer = LabTransfer.estimate(from: inspected.last, to: reference ?? inspected.first, strength: plan.strength)
        let seed = transfer.apply(to: lastFrame, progress: 1)
        let file = "frames/\(outcome.id)-seed.png"
        do {
            try ImageFile.write(seed, to: context.path(file))
        } catch {
            throw StoryboardError.shotFailed(shot: outcome.id, message: "\(context.path(file)): \(error)")
        }
        inspected.handedOn = LabStatistics.measure(seed)
        outcome.inspected = inspected
        outcome.colorStrength = plan.strength
        outcome.colorTransfer = transfer
        outcome.seedFrame = file
    }
}
