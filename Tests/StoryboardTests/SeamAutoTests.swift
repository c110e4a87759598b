import Foundation
import MediaKit
import Testing

@testable import Storyboard

/// A video shot's outcome with `held` frames, `frames` frames at `fps`, and `transfer` as its colour correction.
private func shot(_ id: String, head: Int = 0, tail: Int = 0, frames: Int = 73, fps: Double = 24, transfer: LabTransfer? = nil) -> ShotOutcome {
    let grey = LabStatistics.of([Lab(l: 50, a: 0, b: 0)])
    var o = ShotOutcome(
        id: id, model: "m", file: "shots/\(id).mp4", firstFrame: "", lastFrame: "", durationSeconds: 3, costUSD: nil, requestID: nil, checks: [])
    o.held = HeldFrames(head: head, tail: tail)
    o.inspected = InspectedVideo(first: grey, last: grey, handedOn: grey, frameCount: frames, framesPerSecond: fps)
    o.colorTransfer = transfer
    return o
}

@Test func seamAutoDropsTheRepeatedFirstFrameAndTheHoldsAtMostOneSecondPerSeam() {
    let trim = SeamTrim([shot("a", head: 5, tail: 2), shot("b", head: 3, tail: 20), shot("c", head: 30), shot("d", head: 10, fps: 0)], seam: .auto)
    #expect(trim.policy == .keep)
    // The first shot's head is no seam's; the last shot's tail neither.
    #expect(trim.edits.map(\.dropHead) == [0, 4, 24, 1])
    // a-b: 4 + 2 of the 24 frames; b-c: the head takes the whole second, nothing is left for b's tail; c-d: d's
    // frame rate is unknown, so only its repeated first frame goes.
    #expect(trim.edits.map(\.dropTail) == [2, 0, 0, 0])
    #expect(trim.trimmed(atSeam: 0)! == (4, 2))
    #expect(trim.trimmed(atSeam: 1)! == (24, 0))
    #expect(trim.trimmed(atSeam: 3) == nil)
    let both = SeamTrim([shot("a", tail: 20), shot("b", head: 10)], seam: .auto)
    #expect(both.edits.map(\.dropHead) == [0, 11] && both.edits.map(\.dropTail) == [13, 0])
}

@Test func seamAutoAlwaysLeavesAFrameOfEveryShotAndOtherSeamsKeepTheirPolicy() {
    let short = SeamTrim([shot("a", tail: 5, frames: 4), shot("b", head: 6, frames: 5), shot("c")], seam: .auto)
    #expect(short.edits.map(\.dropHead) == [0, 4, 1])
    #expect(short.edits.map(\.dropTail) == [3, 0, 0])
    let warm = LabTransfer(matrix: [1, 0, 0, 0, 1, 0, 0, 0, 1], offset: [2, 1, 0])
    let dropFirst = SeamTrim([shot("a", tail: 5, transfer: warm), shot("b", head: 6, transfer: .identity)], seam: .dropFirst)
    #expect(dropFirst.policy == .dropFirst)
    #expect(dropFirst.edits == [SegmentEdit(colour: warm), SegmentEdit()])
    #expect(dropFirst.trimmed(atSeam: 0)! == (1, 0))
    #expect(SeamTrim([shot("a"), shot("b")], seam: .crossfade(frames: 3)).trimmed(atSeam: 0) == nil)
    #expect(SeamTrim([shot("a"), shot("b")], seam: .keep).trimmed(atSeam: 0)! == (0, 0))
}
