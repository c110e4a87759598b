/// A JPEG file's frame header (`SOFn`), found by walking the marker segments before it.
///
/// The walk skips fill bytes (`FF FF ...`) and stand-alone markers (`RSTn`, `TEM`, a repeated `SOI`), steps over
/// every other segment by its declared length, and gives up after `maxSteps` markers, so a hostile file
/// cannot make it run long.
public struct JPEGHeader: Sendable, Equatable {
    /// The declared width in pixels.
    public var width: Int
    /// The declared height in pixels (0 means "defined later by a DNL marker", refused by `ImageLimits`).
    public var height: Int
    /// The SOF marker (`0xC0` baseline, `0xC2` progressive, ...).
    public var marker: UInt8
    /// Bits per sample.
    public var precision: Int
    /// The number of colour components.
    public var components: Int
    /// The byte offset of the SOF marker.
    public var offset: Int64

    /// The declared size (not yet checked against `ImageLimits`).
    public var dimensions: ImageDimensions { ImageDimensions(kind: .jpeg, width: width, height: height) }

    /// The most markers (including fill bytes) the walk looks at before it gives up.
    public static let maxSteps = 65536

    /// Creates a header from its fields.
    public init(width: Int, height: Int, marker: UInt8, precision: Int, components: Int, offset: Int64) {
        self.width = width
        self.height = height
        self.marker = marker
        self.precision = precision
        self.components = components
        self.offset = offset
    }

    /// True for the markers that start a frame header: `C0`...`CF` except `C4` (DHT), `C8` (JPG) and `CC` (DAC).
    public static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Reads the first frame header of the JPEG in `source`.
    /// - Throws: `MediaFormatError.malformed` (no SOI, a byte that is not a marker, a bad segment length, too many
    ///   markers), `.missing` (the scan or the end comes before any frame header), `.truncated`.
    public init(from source: some ByteSource) throws {
        let start = try source.prefixView(at: 0, length: 2, what: "the JPEG header")
        guard start.matches([0xFF, 0xD8]) else { throw MediaFormatError.malformed(format: "JPEG", detail: "no start-of-image marker") }
        var offset: Int64 = 2
        for _ in 0..<Self.maxSteps {
            let m = try source.prefixView(at: offset, length: 10, what: "the JPEG marker segment at byte \(offset)")
            guard m.count >= 2 else { throw MediaFormatError.truncated(what: "the JPEG header before its frame header (SOF)") }
            guard m.bytes[0] == 0xFF else {
                throw MediaFormatError.malformed(format: "JPEG", detail: "byte \(offset) is not a marker (0x\(String(m.bytes[0], radix: 16)))")
            }
            let marker = m.bytes[1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA {
                throw MediaFormatError.missing(what: "JPEG frame header (SOF)", meaning: "the image data starts or ends before it")
            }
            let length = Int64(try m.be16(2))
            guard length >= 2 else {
                throw MediaFormatError.malformed(format: "JPEG", detail: "the segment at byte \(offset) declares a length of \(length)")
            }
            if Self.isStartOfFrame(marker) {
                guard m.count >= 10 else { throw MediaFormatError.truncated(what: "the JPEG frame header (SOF)") }
                self.init(
                    width: Int(try m.be16(7)), height: Int(try m.be16(5)), marker: marker, precision: Int(try m.u8(4)),
                    components: Int(try m.u8(9)), offset: offset)
                return
            }
            offset += 2 + length
        }
        throw MediaFormatError.malformed(format: "JPEG", detail: "no frame header (SOF) within the first \(Self.maxSteps) markers")
    }
}
