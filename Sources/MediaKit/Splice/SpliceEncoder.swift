import CFFmpeg
import Foundation

/// Why re-encoding only part of a stream-copied H.264 video is not possible (the caller then re-encodes it all).
struct SpliceUnavailable: Error {
    var reason: String
}

/// Re-encodes parts of a stream-copied H.264 video (trim's partial GOPs at both ends, concat's seam GOPs) so
/// that they can sit between copied GOPs: libx264's SPS/PPS get an id the source does not use and are added to
/// the source's avcC record, so one sample description covers copied and re-encoded samples. Every part starts
/// with an IDR picture and has no B-frames; its packets are length-prefixed like the source's.
///
/// Immutable once made: `begin` may be called from several threads (each session is used by one).
final class SpliceEncoder: @unchecked Sendable {
    /// The merged avcC record for the output stream (the source's parameter sets, then the encoder's).
    let configuration: AVCConfig
    /// The output file the errors name.
    let path: String
    private let setup: X264Setup
    private let encoderExtradata: [UInt8]
    /// The encoder opened to learn the parameter sets, kept for the first session when asked (guarded by `lock`).
    private var spare: X264Encoder?
    private let lock = NSLock()

    /// The time base of the frame timestamps given to the sessions.
    var timeBase: AVRational { setup.picture.timeBase }
    /// The merged avcC record's bytes.
    var extradata: [UInt8] { configuration.bytes }

    /// Prepares an encoder for `setup` whose parameter sets join `source`.
    /// - Parameter keepProbe: keep the encoder opened here for the first `begin(threads: 0)` (for a caller that
    ///   starts its sessions one after another; concat's parallel jobs leave it off so it is freed at once).
    /// - Throws: `SpliceUnavailable` when the record has no free parameter set id or no room, or libx264
    ///   refuses the setup or does not give one SPS/PPS pair under the chosen id.
    init(source: AVCConfig, setup: X264Setup, path: String, keepProbe: Bool = false) throws {
        guard let id = source.freeParameterSetID() else {
            throw SpliceUnavailable(reason: "the avcC record has no free parameter set id or no room for one more")
        }
        var setup = setup
        setup.parameterSetID = id
        setup.bFrames = 0
        setup.gopFrames = 100_000
        setup.globalHeader = true
        self.setup = setup
        self.path = path
        let probe: X264Encoder
        do {
            probe = try X264Encoder(setup, path: path)
        } catch let error as MediaError {
            throw SpliceUnavailable(reason: "libx264 refused the source's parameters (\(error))")
        }
        encoderExtradata = probe.extradata
        let (sps, pps) = AVCConfig.parameterSets(annexB: encoderExtradata)
        guard sps.count == 1, pps.count == 1, AVCConfig.spsID(sps[0]) == id, AVCConfig.ppsID(pps[0]) == id else {
            throw SpliceUnavailable(reason: "libx264 did not give one SPS/PPS pair with id \(id)")
        }
        var merged = source
        merged.sps += sps
        merged.pps += pps
        configuration = merged
        if keepProbe { spare = probe }
    }

    /// Starts a new IDR-first part fed one frame at a time.
    /// - Parameter threads: libx264 threads (0: its own choice, frame threads for the cores).
    /// - Throws: `MediaError.encodeFailed` when libx264 refuses now or gives other parameter sets than before.
    func begin(threads: Int32 = 0) throws -> Session {
        if threads == 0, let kept = takeSpare() { return Session(encoder: kept, lengthSize: configuration.lengthSize, path: path) }
        let encoder = try X264Encoder(setup, threads: threads, path: path)
        guard encoder.extradata == encoderExtradata else {
            throw MediaError.encodeFailed(path: path, detail: "libx264 produced different parameter sets for the same settings")
        }
        return Session(encoder: encoder, lengthSize: configuration.lengthSize, path: path)
    }

    private func takeSpare() -> X264Encoder? {
        lock.withLock {
            defer { spare = nil }
            return spare
        }
    }

    /// One re-encoded part: frames go in as they are decoded (display order, timestamps in `timeBase`), packets
    /// come out in decode order, length-prefixed like the source's, pts in `timeBase`. Only a few frames are
    /// ever held (libx264's lookahead and frame threads).
    final class Session {
        private let encoder: X264Encoder
        private let lengthSize: Int
        private let path: String

        /// Frames sent so far.
        var framesIn: Int { encoder.framesIn }

        fileprivate init(encoder: X264Encoder, lengthSize: Int, path: String) {
            self.encoder = encoder
            self.lengthSize = lengthSize
            self.path = path
        }

        /// Encodes `frame` (the first becomes the IDR; its pts is set to `pts` when given) and hands the packets
        /// ready so far to `sink`.
        func send(_ frame: Frame, pts: Int64? = nil, into sink: (Packet) throws -> Void) throws {
            try encoder.encode(frame, pts: pts) { try sink(try AnnexB.lengthPrefixed($0, lengthSize: lengthSize, path: path)) }
        }

        /// Drains the encoder into `sink`.
        func finish(into sink: (Packet) throws -> Void) throws {
            try encoder.flush { try sink(try AnnexB.lengthPrefixed($0, lengthSize: lengthSize, path: path)) }
        }
    }
}
