import Testing

@testable import FrameServer

@Suite struct MediaKindTests {
    @Test(
        arguments: [
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], MediaKind.png),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 16], .jpeg),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
            (Array("\u{0}\u{0}\u{0}\u{20}ftypisom".utf8), .mp4),
            (Array("\u{0}\u{0}\u{0}\u{14}ftypqt  ".utf8), .mov),
            (Array("\u{0}\u{0}\u{0}\u{8}wide".utf8), .mov),
            (Array("GIF89a".utf8), .other),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8), .other),
            ([0x89, 0x50, 0x4E], .other),
            ([], .other),
        ] as [([UInt8], MediaKind)])
    func sniffsMagicBytes(bytes: [UInt8], expected: MediaKind) {
        #expect(MediaKind(sniffing: bytes) == expected)
    }
}
