import CFFmpeg

/// What `ShotCheck` keeps from its one decode pass: a reference to the first frame, to the frame nearest the middle
/// of the stream's time span, the last displayed frame (`LatestFrame`, decoding from the start) and each frame's
/// statistics. Not `Sendable`.
final class ShotPass {
    let path: String
    let timeBase: AVRational
    /// The seconds between frames at the stream's average rate (for a frame without a timestamp); 0 when unknown.
    let frameSeconds: Double
    /// The first frame the decoder output (a second reference to its picture), once `hasFirst`.
    let first = Frame()
    private(set) var hasFirst = false
    /// The frame displayed nearest `middleSeconds` so far (a second reference to its picture), once `hasMiddle`.
    let middle = Frame()
    private(set) var hasMiddle = false
    /// The middle of the stream's time span (from the probe), when its duration is known.
    let middleSeconds: Double?
    private var middleDistance = Double.infinity
    /// The frame a player shows last.
    private(set) var latest = LatestFrame(untimedIsLater: true)
    /// One entry per frame, unless the pixel format is one the sampler does not read (then empty).
    private(set) var statistics: [FrameStatistics] = []
    /// Why a frame could not be kept (out of memory), if that happened.
    private(set) var failure: MediaError?
    private let sampler = FrameSampler()
    private var sampling = true

    /// - Parameter middleSeconds: the time whose nearest frame `middle` keeps (nil: none is kept).
    init(path: String, stream: UnsafeMutablePointer<AVStream>, middleSeconds: Double? = nil) {
        self.path = path
        self.middleSeconds = middleSeconds
        timeBase = stream.pointee.time_base
        let rate = stream.pointee.avg_frame_rate
        frameSeconds = rate.num > 0 && rate.den > 0 ? Double(rate.den) / Double(rate.num) : 0
    }

    /// Sees one decoded frame, in output (display) order; takes its picture when it is the latest so far.
    func add(_ frame: Frame) {
        if !hasFirst { hasFirst = keep(frame, in: first) }
        let time = seconds(frame.timestamp, timeBase) ?? ((statistics.last?.seconds).map { $0 + frameSeconds } ?? 0)
        if let target = middleSeconds, abs(time - target) < middleDistance, keep(frame, in: middle) {
            hasMiddle = true
            middleDistance = abs(time - target)
        }
        if sampling {
            if let s = sampler.statistics(of: frame, seconds: time) {
                statistics.append(s)
            } else {
                // A format the grid sampler does not read: no statistics rather than some frames' only.
                sampling = false
                statistics = []
            }
        }
        latest.offer(frame)
    }

    /// Makes `holder` a second reference to `frame`'s picture; false (and `failure` set) when that fails.
    private func keep(_ frame: Frame, in holder: Frame) -> Bool {
        guard failure == nil else { return false }
        do {
            try holder.reference(frame, path: path)
            return true
        } catch let error as MediaError {
            failure = error
        } catch {
            failure = .decodeFailed(path: path, detail: "\(error)")
        }
        return false
    }
}
