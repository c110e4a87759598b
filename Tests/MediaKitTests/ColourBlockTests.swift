import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// The 4:2:0 block path: 8 blocks mapped at once (`blockGroup`) give exactly the bytes of the same blocks mapped
/// one by one (`block`), narrow and wide, near black and white, at every table position.
@Suite struct ColourBlockTests {
    /// Two rows of 16 luma pixels and 8 chroma samples: 8 blocks, each narrow (luma within `blockSpread` of a
    /// random level, sometimes at 0 or 255) or wide (any luma).
    static func strip(_ rng: inout SplitMix64) -> (luma: [UInt8], cb: [UInt8], cr: [UInt8]) {
        var luma = [UInt8](repeating: 0, count: 32)
        for k in 0..<8 {
            let wide = Int.random(in: 0..<4, using: &rng) == 0
            let level = [0, 255, Int.random(in: 0...255, using: &rng)][Int.random(in: 0..<3, using: &rng)]
            for i in [2 * k, 2 * k + 1, 16 + 2 * k, 17 + 2 * k] {
                let spread = wide ? 255 : Int.random(in: 0...ColourLUT.blockSpread, using: &rng)
                let offset = Int.random(in: -spread...spread, using: &rng) / 2
                luma[i] = UInt8(min(255, max(0, level + offset)))
            }
        }
        let chroma = { (rng: inout SplitMix64) in (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        return (luma, chroma(&rng), chroma(&rng))
    }

    @Test(arguments: [0, 1, 2])
    func groupEqualsBlockByBlock(_ n: Int) {
        let transfer = ColourApplyTests.transfers[n]
        let ramp = ColourRamp(transfer, encoding: .ycbcr(bt709: n != 1, fullRange: n == 2))
        let table = ramp.table(progress: 0.7)
        var rng = SplitMix64(seed: 0xB10C + UInt64(n))
        var (narrow, wide) = (0, 0)
        table.values.withUnsafeBufferPointer { t in
            for _ in 0..<3000 {
                let (luma, cb, cr) = Self.strip(&rng)
                var (groupLuma, groupCb, groupCr) = (luma, cb, cr)
                var (oneLuma, oneCb, oneCr) = (luma, cb, cr)
                groupLuma.withUnsafeMutableBufferPointer { l in
                    groupCb.withUnsafeMutableBufferPointer { b in
                        groupCr.withUnsafeMutableBufferPointer { r in
                            ColourLUT.blockGroup(t.baseAddress!, l.baseAddress!, 16, b.baseAddress!, r.baseAddress!)
                        }
                    }
                }
                oneLuma.withUnsafeMutableBufferPointer { l in
                    for k in 0..<8 {
                        (oneCb[k], oneCr[k]) = ColourLUT.block(t.baseAddress!, l.baseAddress! + 2 * k, 16, Int(cb[k]), Int(cr[k]))
                    }
                }
                #expect(groupLuma == oneLuma)
                #expect(groupCb == oneCb && groupCr == oneCr)
                for k in 0..<8 {
                    let block = [2 * k, 2 * k + 1, 16 + 2 * k, 17 + 2 * k].map { Int(luma[$0]) }
                    if (block.max() ?? 0) - (block.min() ?? 0) <= ColourLUT.blockSpread { narrow += 1 } else { wide += 1 }
                }
                // The strip is changed (the transfers move every colour).
                #expect(groupLuma != luma || groupCb != cb || groupCr != cr)
            }
        }
        #expect(narrow > 10000 && wide > 3000, "\(narrow) narrow, \(wide) wide blocks")
    }

    /// The slope component: the first value's change per code along the first axis, in 1/2048.
    @Test func lumaSlopesFollowTheFirstValue() {
        let ramp = ColourRamp(ColourApplyTests.transfers[0], encoding: .ycbcr(bt709: true, fullRange: false))
        let values = ramp.table(progress: 1).values
        let (n, plane) = (ColourLUT.nodes, ColourLUT.nodes * ColourLUT.nodes)
        for c0 in [0, 1, 20, 40, n - 1] {
            let i = c0 * plane + 30 * n + 33
            let (ahead, behind) = (min(c0 + 1, n - 1), max(c0 - 1, 0))
            let rise = Double(values[ahead * plane + 30 * n + 33][0] - values[behind * plane + 30 * n + 33][0]) / 16
            let expected = rise / Double(ColourLUT.step * (ahead - behind)) * 2048
            #expect(abs(Double(values[i][3]) - expected) <= 1, "node \(c0): \(values[i][3]) against \(expected)")
        }
        // Mid-grey luma rises with the input: a positive slope.
        #expect(values[32 * plane + 32 * n + 32][3] > 0)
    }
}
