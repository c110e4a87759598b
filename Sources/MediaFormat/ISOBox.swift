/// One ISO-BMFF (MP4/MOV) box: its type, where it starts and how long it is.
///
/// A box read by `ISOBox.read(in:at:enclosingEnd:)` always satisfies `headerSize <= size` and
/// `offset + size <= Int64.max`, so `payloadOffset` and `end` never overflow.
public struct ISOBox: Sendable, Equatable {
    /// The four-character type (`moov`, `mdat`, ...); a byte outside printable ASCII shows as `?`.
    public var type: String
    /// False when one of the four type bytes is outside printable ASCII (a sign of garbage, not a box).
    public var hasPrintableType: Bool
    /// The offset of the box's first byte.
    public var offset: Int64
    /// 8, or 16 with a 64-bit `largesize`.
    public var headerSize: Int64
    /// The whole box's size, header included.
    public var size: Int64

    /// Creates a box from its fields (the caller keeps the invariants above).
    public init(type: String, hasPrintableType: Bool = true, offset: Int64, headerSize: Int64, size: Int64) {
        self.type = type
        self.hasPrintableType = hasPrintableType
        self.offset = offset
        self.headerSize = headerSize
        self.size = size
    }

    /// The offset of the first byte after the header.
    public var payloadOffset: Int64 { offset + headerSize }
    /// The offset just past the box.
    public var end: Int64 { offset + size }

    /// Reads the box header at `offset`.
    ///
    /// A 32-bit size of 1 means a 64-bit `largesize` follows the type; a size of 0 means the box runs to `enclosingEnd`.
    /// The box may still run past `enclosingEnd`: `children(in:from:to:parent:)` refuses that, a lenient caller may not.
    /// - Throws: `MediaFormatError.truncated` when the header itself is cut short; `.badBoxSize` when the declared
    ///   size is smaller than the header or does not fit in a 64-bit file offset.
    public static func read(in source: some ByteSource, at offset: Int64, enclosingEnd: Int64) throws -> ISOBox {
        let b = try source.prefixView(at: offset, length: 16, what: "the box header at byte \(offset)")
        guard b.count >= 8 else { throw MediaFormatError.truncated(what: "the box header at byte \(offset)") }
        let type = try b.fourCC(4)
        let printable = b.bytes[4..<8].allSatisfy { (0x20..<0x7F).contains($0) }
        var declared = UInt64(try b.be32(0))
        var header: Int64 = 8
        if declared == 1 {
            declared = try b.be64(8)
            header = 16
        } else if declared == 0 {
            let (rest, overflow) = enclosingEnd.subtractingReportingOverflow(offset)
            guard !overflow, rest >= 0 else {
                throw MediaFormatError.badBoxSize(box: type, offset: offset, declared: 0, problem: "but starts past the end")
            }
            declared = UInt64(rest)
        }
        func bad(_ problem: String) -> MediaFormatError { .badBoxSize(box: type, offset: offset, declared: declared, problem: problem) }
        guard let size = Int64(exactly: declared) else { throw bad("more than any file can hold") }
        guard size >= header else { throw bad("fewer than its \(header)-byte header") }
        guard !offset.addingReportingOverflow(size).overflow else { throw bad("more than any file can hold") }
        return ISOBox(type: type, hasPrintableType: printable, offset: offset, headerSize: header, size: size)
    }

    /// The boxes that fill `from..<to` (a file's top level, or a box's payload), in order.
    ///
    /// Fewer than 8 bytes left at the end are ignored (padding).
    /// - Parameters:
    ///   - parent: what holds them, for errors ("the file", "the 'moov' box").
    ///   - maxCount: the most boxes accepted before the walk gives up.
    /// - Throws: `MediaFormatError.badBoxSize` for a box that is smaller than its header, runs past `to` or does not
    ///   fit in 64 bits; `.truncated`; `.malformed` beyond `maxCount` boxes.
    public static func children(
        in source: some ByteSource, from: Int64, to: Int64, parent: String, maxCount: Int = 65536
    ) throws -> [ISOBox] {
        var boxes: [ISOBox] = []
        var offset = from
        while offset >= 0, case let (left, overflow) = to.subtractingReportingOverflow(offset), !overflow, left >= 8 {
            guard boxes.count < maxCount else {
                throw MediaFormatError.malformed(format: "MP4/MOV", detail: "more than \(maxCount) boxes in \(parent)")
            }
            let box = try read(in: source, at: offset, enclosingEnd: to)
            guard box.end <= to else {
                throw MediaFormatError.badBoxSize(
                    box: box.type, offset: offset, declared: UInt64(box.size), problem: "past the end of \(parent) at byte \(to)")
            }
            boxes.append(box)
            offset = box.end
        }
        return boxes
    }

    /// The boxes inside this one (its payload read as a list of boxes).
    /// - Throws: as `children(in:from:to:parent:maxCount:)`.
    public func children(in source: some ByteSource) throws -> [ISOBox] {
        try Self.children(in: source, from: payloadOffset, to: end, parent: "the '\(type)' box")
    }
}
