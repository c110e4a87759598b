import Foundation

/// Reads picture dimensions from the first bytes of PNG, JPEG and WebP files, so that an
/// oversized image is refused before FFmpeg allocates anything for it.
enum ImageHeader {
    /// Throws `tooManyPixels` when `path` is a PNG, JPEG or WebP whose header declares more than `limit` pixels.
    /// Files of other types (and unreadable files, reported later by the demuxer) pass.
    static func checkPixelLimit(path: String, limit: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 65536), let size = dimensions(Array(head)) else { return }
        if size.width * size.height > limit {
            throw MediaError.tooManyPixels(path: path, width: size.width, height: size.height, limit: limit)
        }
    }

    /// The width and height a header declares, or nil when the bytes are not a recognised image header.
    static func dimensions(_ b: [UInt8]) -> (width: Int, height: Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func le24(_ i: Int) -> Int { le16(i) | Int(b[i + 2]) << 16 }
        func ascii(_ i: Int, _ s: String) -> Bool { b.count >= i + s.utf8.count && Array(b[i..<i + s.utf8.count]) == Array(s.utf8) }
        // PNG: signature, then the IHDR chunk.
        if b.count >= 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], ascii(12, "IHDR") {
            return (be32(16), be32(20))
        }
        // JPEG: walk the marker segments to the first start-of-frame.
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 {
            var i = 2
            while i + 9 < b.count {
                guard b[i] == 0xFF else { return nil }
                let marker = b[i + 1]
                if marker == 0xFF {
                    i += 1
                    continue
                }
                if (0xD0...0xD7).contains(marker) || marker == 0x01 {
                    i += 2
                    continue
                }
                if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                    return (be16(i + 7), be16(i + 5))
                }
                i += 2 + be16(i + 2)
            }
            return nil
        }
        // WebP: RIFF container with a VP8, VP8L or VP8X first chunk.
        if b.count >= 30, ascii(0, "RIFF"), ascii(8, "WEBP") {
            if ascii(12, "VP8 "), b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A {
                return (le16(26) & 0x3FFF, le16(28) & 0x3FFF)
            }
            if ascii(12, "VP8L"), b[20] == 0x2F {
                let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
                return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
            }
            if ascii(12, "VP8X") {
                return (le24(24) + 1, le24(27) + 1)
            }
        }
        return nil
    }
}
