import Foundation

extension ColourRamp {
    /// The ramp of `transfer` for `encoding`, the same object for every caller while it is among the last
    /// `kept` asked for: the GOP jobs of one segment, each on its own thread and some after others have ended,
    /// share its Lab grid and exact tables instead of each building them again.
    static func shared(_ transfer: LabTransfer, encoding: PictureEncoding) -> ColourRamp {
        recent.ramp(transfer, encoding: encoding)
    }

    /// Ramps kept for `shared` (two: a segment's last jobs may overlap the next segment's first).
    static let kept = 2

    private static let recent = Recent()

    /// The last ramps asked for, newest last.
    private final class Recent: @unchecked Sendable {
        private let lock = NSLock()
        private var ramps: [ColourRamp] = []

        func ramp(_ transfer: LabTransfer, encoding: PictureEncoding) -> ColourRamp {
            lock.lock()
            defer { lock.unlock() }
            if let i = ramps.firstIndex(where: { $0.transfer == transfer && $0.encoding == encoding }) {
                let ramp = ramps.remove(at: i)
                ramps.append(ramp)
                return ramp
            }
            let ramp = ColourRamp(transfer, encoding: encoding)
            ramps.append(ramp)
            if ramps.count > ColourRamp.kept { ramps.removeFirst(ramps.count - ColourRamp.kept) }
            return ramp
        }
    }
}
