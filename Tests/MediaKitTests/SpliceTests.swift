import CFFmpeg
import Foundation
import MediaTestSupport
import Testing

@testable import MediaKit

/// The one H.264 splice encoder: parameter-set ids, the libx264 profile mapping and the Annex B to
/// length-prefixed conversion shared by trim's smart cut and concat's seam GOPs.
@Suite struct SpliceTests {
    /// A packet holding `bytes`.
    static func packet(_ bytes: [UInt8]) throws -> Packet {
        let p = Packet()
        #expect(av_new_packet(p.pointer, Int32(bytes.count)) >= 0)
        let data = try #require(p.pointer.pointee.data)
        bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: bytes.count) }
        return p
    }

    static func bytes(_ p: Packet) -> [UInt8] {
        Array(UnsafeBufferPointer(start: p.pointer.pointee.data, count: p.size))
    }

    /// Parameter sets and delimiters are dropped, slices get big-endian lengths of the source's size.
    @Test func annexBBecomesLengthPrefixed() throws {
        let slice = [UInt8(0x65)] + [UInt8](repeating: 0xAB, count: 299)
        let input = try Self.packet([0, 0, 0, 1, 0x09, 0xF0] + [0, 0, 1, 0x67, 1, 2] + [0, 0, 1, 0x68, 3] + [0, 0, 0, 1] + slice)
        input.pointer.pointee.pts = 7
        input.pointer.pointee.flags = AV_PKT_FLAG_KEY
        let two = try AnnexB.lengthPrefixed(input, lengthSize: 2, path: "out.mp4")
        #expect(Self.bytes(two) == [0x01, 0x2C] + slice)
        #expect(two.pts == 7 && two.isKeyframe)
        let four = try AnnexB.lengthPrefixed(input, lengthSize: 4, path: "out.mp4")
        #expect(Self.bytes(four) == [0, 0, 0x01, 0x2C] + slice)
    }

    /// A NAL unit longer than the source's length prefix can hold is an error naming the output, not a trap.
    @Test func nalTooLongForTheLengthSizeIsAnError() throws {
        let input = try Self.packet([0, 0, 1] + [UInt8(0x65)] + [UInt8](repeating: 0x11, count: 299))
        #expect(throws: MediaError.self) { try AnnexB.lengthPrefixed(input, lengthSize: 1, path: "out.mp4") }
        do {
            _ = try AnnexB.lengthPrefixed(input, lengthSize: 1, path: "out.mp4")
        } catch {
            #expect("\(error)".contains("out.mp4") && "\(error)".contains("300 bytes"))
        }
        #expect(throws: MediaError.self) { try AnnexB.lengthPrefixed(input, lengthSize: 0, path: "out.mp4") }
    }

    /// The free id avoids every SPS and PPS id of the record; a full record has none.
    @Test func freeParameterSetIDAvoidsTheSourceIDs() throws {
        // SPS with seq_parameter_set_id 0 (ue "1") and 1 (ue "010"), PPS with id 2 (ue "011").
        let sps0: [UInt8] = [0x67, 66, 0, 30, 0b1000_0000]
        let sps1: [UInt8] = [0x67, 66, 0, 30, 0b0100_0000]
        let pps2: [UInt8] = [0x68, 0b0110_0000]
        let config = AVCConfig(header: [1, 66, 0, 30, 0xFF], sps: [sps0, sps1], pps: [pps2], trailer: [])
        #expect(AVCConfig.spsID(sps1) == 1 && AVCConfig.ppsID(pps2) == 2)
        #expect(config.freeParameterSetID() == 3)
        let full = AVCConfig(header: [1, 66, 0, 30, 0xFF], sps: Array(repeating: sps0, count: 31), pps: [pps2], trailer: [])
        #expect(full.freeParameterSetID() == nil)
        #expect(AVCConfig(config.bytes) == config)
    }

    /// One profile mapping from `profile_idc` (constraint flags ignored by the caller).
    @Test func profileMapping() {
        #expect(X264Setup.profileName(profileIDC: 66) == "baseline")
        #expect(X264Setup.profileName(profileIDC: (66 | 512) & 0xFF) == "baseline")
        #expect(X264Setup.profileName(profileIDC: 77) == "main")
        #expect(X264Setup.profileName(profileIDC: 100) == "high")
        #expect(X264Setup.profileName(profileIDC: 244) == "high444")
        #expect(X264Setup.profileName(profileIDC: 88) == nil)
    }

    /// A splice encoder for a real H.264 clip: its SPS/PPS join the clip's under a new id, and a session's first
    /// packet is a length-prefixed IDR slice.
    @Test func spliceEncoderAddsItsParameterSetsUnderAFreeID() throws {
        let dir = TestCorpus.shared.scratchDirectory("splice")
        let path = dir.appendingPathComponent("clip.mp4").path
        let writer = try VideoWriter(path: path, settings: VideoEncodeSettings(width: 64, height: 48))
        for i in 0..<6 { try writer.append(PixelImage(width: 64, height: 48, red: UInt8(40 * i), green: 90, blue: 200)) }
        try writer.finish()

        let input = try InputContainer(path: path)
        let v = try #require(input.bestStream(AVMEDIA_TYPE_VIDEO))
        let par = input.stream(v).pointee.codecpar.pointee
        let source = try #require(AVCConfig(parameters: par))
        let decoder = try CodecDecoder(container: input, stream: v)
        let packet = Packet()
        let frame = Frame()
        var frames: [Frame] = []
        while try input.read(into: packet) {
            guard packet.streamIndex == v else { continue }
            _ = try decoder.send(packet)
            while try decoder.receive(into: frame) == .frame {
                let kept = Frame()
                kept.take(from: frame)
                frames.append(kept)
            }
        }
        let first = try #require(frames.first)
        let tb = input.stream(v).pointee.time_base
        let picture = SplicePicture(frame: first, fallbackSAR: par.sample_aspect_ratio, timeBase: tb, frameRate: AVRational(num: 24, den: 1))
        let setup = X264Setup(picture: picture, source: par, preset: "ultrafast", quality: .crf(20))
        #expect(setup.profile != nil)
        let splice = try SpliceEncoder(source: source, setup: setup, path: path)
        let merged = splice.configuration
        #expect(merged.sps.count == source.sps.count + 1 && merged.pps.count == source.pps.count + 1)
        let newID = try #require(AVCConfig.spsID(merged.sps[merged.sps.count - 1]))
        #expect(!source.sps.compactMap(AVCConfig.spsID).contains(newID))
        #expect(Array(merged.sps.prefix(source.sps.count)) == source.sps)

        let session = try splice.begin()
        var out: [[UInt8]] = []
        for (i, f) in frames.enumerated() { try session.send(f, pts: Int64(i)) { out.append(Self.bytes($0)) } }
        try session.finish { out.append(Self.bytes($0)) }
        #expect(out.count == frames.count)
        let firstPacket = try #require(out.first)
        let units = firstPacket.withUnsafeBufferPointer { AVCConfig.lengthPrefixedUnits($0, lengthSize: source.lengthSize) }
        #expect(units.reduce(0) { $0 + $1.count + source.lengthSize } == firstPacket.count)
        #expect(units.contains { firstPacket[$0.lowerBound] & 0x1F == 5 })
        #expect(!units.contains { [7, 8, 9].contains(firstPacket[$0.lowerBound] & 0x1F) })
    }
}
