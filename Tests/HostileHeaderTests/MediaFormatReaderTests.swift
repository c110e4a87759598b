import Foundation
import MediaFormat
import MediaTestSupport
import Testing

/// The `MediaFormat` readers on valid seeds (against what ffmpeg made) and on chosen hostile headers.
@Suite struct MediaFormatReaderTests {
    @Test(arguments: [SeedMedia.png, .jpeg, .webpLossy, .webpLossless, .webpAlpha])
    func imageSeedsReportTheirSize(_ seed: SeedMedia) throws {
        let dims = try #require(try ImageDimensions.read(from: MemoryBytes(try seed.make(in: hostileDirectory))))
        #expect(dims.width == 64 && dims.height == 48)
        try dims.check()
    }

    @Test func sniffsEveryKind() throws {
        let expected: [SeedMedia: ContainerKind] = [
            .png: .png, .jpeg: .jpeg, .webpLossy: .webp, .webpAlpha: .webp, .mp4: .mp4, .mp4MoovLast: .mp4, .mov: .mov, .webm: .webm,
        ]
        for (seed, kind) in expected { #expect(ContainerKind(sniffing: try seed.make(in: hostileDirectory)) == kind, "\(seed)") }
        let mkv = hostileDirectory.appendingPathComponent("sniff.mkv").path
        let gif = hostileDirectory.appendingPathComponent("sniff.gif").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x48:d=0.1", "-c:v", "ffv1", mkv])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=40x30", "-frames:v", "1", gif])
        #expect(ContainerKind(sniffing: try Data(contentsOf: URL(fileURLWithPath: mkv))) == .matroska)
        #expect(try ImageDimensions.read(from: FileBytes(path: gif)) == ImageDimensions(kind: .gif, width: 40, height: 30))
        #expect(ContainerKind(sniffing: Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8)) == nil)
        #expect(ContainerKind(sniffing: [UInt8]()) == nil)
    }

    @Test(arguments: [SeedMedia.mp4, .mp4MoovLast, .mov])
    func movieFactsOfTheSeeds(_ seed: SeedMedia) throws {
        let movie = try ISOMovie(from: MemoryBytes(try seed.make(in: hostileDirectory)))
        #expect(movie.isQuickTime == (seed == .mov))
        let track = try #require(movie.videoTrack)
        #expect(track.width == 64 && track.height == 48 && track.sampleCount == 12)
        #expect(abs((track.framesPerSecond ?? 0) - 24) < 0.01)
        #expect(abs((movie.durationSeconds ?? 0) - 0.5) < 0.05)
    }

    @Test func aTrailingBoxWithA64BitSizeOf2To64Minus1IsAnErrorNamingIt() throws {
        var bytes = try SeedMedia.mp4.make(in: hostileDirectory)
        let offset = Int64(bytes.count)
        bytes += [0, 0, 0, 1] + Array("free".utf8) + [UInt8](repeating: 0xFF, count: 8)
        #expect(throws: MediaFormatError.badBoxSize(box: "free", offset: offset, declared: UInt64.max, problem: "more than any file can hold")) {
            try ISOMovie(from: MemoryBytes(bytes))
        }
        bytes.replaceSubrange(bytes.count - 8..<bytes.count, with: [0x80, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: MediaFormatError.self) { try ISOMovie(from: MemoryBytes(bytes)) }
        // Near Int64.max the end offset would overflow: refused the same way.
        bytes.replaceSubrange(bytes.count - 8..<bytes.count, with: [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: MediaFormatError.badBoxSize(box: "free", offset: offset, declared: UInt64(Int64.max), problem: "more than any file can hold"))
        {
            try ISOBox.read(in: MemoryBytes(bytes), at: offset, enclosingEnd: Int64(bytes.count))
        }
    }

    @Test func boxSizesSmallerThanTheHeaderOrPastTheEndAreErrors() throws {
        let boxes = MemoryBytes([0, 0, 0, 8] + Array("ftyp".utf8) + [0, 0, 0, 4] + Array("free".utf8))
        #expect(throws: MediaFormatError.badBoxSize(box: "free", offset: 8, declared: 4, problem: "fewer than its 8-byte header")) {
            try ISOBox.children(in: boxes, from: 0, to: boxes.count, parent: "the file")
        }
        let past = MemoryBytes([0, 0, 0, 8] + Array("ftyp".utf8) + [0, 0, 0, 99] + Array("mdat".utf8))
        #expect(throws: MediaFormatError.badBoxSize(box: "mdat", offset: 8, declared: 99, problem: "past the end of the file at byte 16")) {
            try ISOBox.children(in: past, from: 0, to: past.count, parent: "the file")
        }
        // Size 0: the box runs to the end of the file.
        let toEnd = MemoryBytes([0, 0, 0, 8] + Array("ftyp".utf8) + [0, 0, 0, 0] + Array("mdat".utf8) + [1, 2, 3])
        let walked = try ISOBox.children(in: toEnd, from: 0, to: toEnd.count, parent: "the file")
        #expect(walked.map(\.type) == ["ftyp", "mdat"] && walked[1].size == 11 && walked[1].end == toEnd.count)
    }

    @Test func aHugeSttsEntryCountIsBoundedByTheBoxBytes() throws {
        var bytes = try SeedMedia.mp4.make(in: hostileDirectory)
        let stts = try #require(ISOBoxLocator.boxes(bytes).first { $0.type == "stts" })
        bytes.putBE(0xFFFF_FFFF, at: stts.payload + 4, width: 4)
        let started = ContinuousClock.now
        let track = try #require(try ISOMovie(from: MemoryBytes(bytes)).videoTrack)
        #expect(track.sampleCount == 12)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test(arguments: [(UInt32(0xFFFF_FFFF), UInt32(0xFFFF_FFFF)), (0, 48), (64, 0), (32769, 10), (0x7FFF_FFFF, 1)])
    func impossiblePNGSizesAreRefused(width: UInt32, height: UInt32) throws {
        let png = HostilePNG.header(width: width, height: height)
        let dims = try #require(try ImageDimensions.read(from: MemoryBytes(png)))
        #expect(dims.width == Int(width) && dims.height == Int(height))
        #expect(throws: MediaFormatError.self) { try dims.check() }
        do {
            try dims.check()
        } catch let error as MediaFormatError {
            #expect(error.description.contains("\(width)x\(height)"))
        }
    }

    @Test func limitsComputeTheBufferWithoutOverflow() throws {
        #expect(ImageLimits.rgbaByteCount(width: Int.max, height: 2) == nil)
        #expect(ImageLimits.rgbaByteCount(width: 32768, height: 32768) == 32768 * 32768 * 4)
        try ImageLimits.standard.check(width: 32768, height: 32768, format: "PNG")
        #expect(throws: MediaFormatError.self) { try ImageLimits(maxBufferBytes: 1000).check(width: 16, height: 16, format: "PNG") }
    }

    @Test func jpegFillBytesAndStandaloneMarkersAreSkipped() throws {
        var bytes = try SeedMedia.jpeg.make(in: hostileDirectory)
        bytes.insert(contentsOf: [0xFF, 0xD0, 0xFF, 0xFF, 0xFF], at: 2)
        let header = try JPEGHeader(from: MemoryBytes(bytes))
        #expect(header.width == 64 && header.height == 48)
        #expect(throws: MediaFormatError.self) { try JPEGHeader(from: MemoryBytes(Array(bytes.prefix(20)))) }
    }

    @Test func byteViewThrowsInsteadOfTrapping() throws {
        let view = ByteView([1, 2, 3], what: "three bytes")
        #expect(try view.be16(1) == 0x0203)
        #expect(throws: MediaFormatError.truncated(what: "three bytes")) { try view.be32(0) }
        #expect(throws: MediaFormatError.truncated(what: "three bytes")) { try view.u8(-1) }
        #expect(throws: MediaFormatError.truncated(what: "three bytes")) { try view.be64(Int.max) }
        #expect(try MemoryBytes([1, 2, 3]).bytes(at: Int64.max, length: Int.max).isEmpty)
        #expect(throws: MediaFormatError.self) { try view.le(0, width: 9) }
        #expect(try ISOBox.children(in: MemoryBytes([1, 2, 3]), from: Int64.min, to: Int64.max, parent: "the file").isEmpty)
        #expect(throws: MediaFormatError.self) { try ISOBox.children(in: MemoryBytes([1, 2, 3]), from: 0, to: Int64.max, parent: "the file") }
    }
}

/// A PNG signature, an IHDR chunk (with its CRC) declaring any size, and an IEND chunk.
enum HostilePNG {
    static func header(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ body: [UInt8]) {
            let typed = Array(type.utf8) + body
            var length = [UInt8](repeating: 0, count: 4)
            length.putBE(UInt64(body.count), at: 0, width: 4)
            var crc = [UInt8](repeating: 0, count: 4)
            crc.putBE(UInt64(CRC32.checksum(typed)), at: 0, width: 4)
            bytes += length + typed + crc
        }
        var ihdr = [UInt8](repeating: 0, count: 13)
        ihdr.putBE(UInt64(width), at: 0, width: 4)
        ihdr.putBE(UInt64(height), at: 4, width: 4)
        ihdr[8] = 8
        ihdr[9] = 2
        chunk("IHDR", ihdr)
        chunk("IEND", [])
        return bytes
    }
}
