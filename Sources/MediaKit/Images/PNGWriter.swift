import CFFmpeg
import Dispatch
import Foundation

/// Writes 8-bit RGB and RGBA pictures as PNG files, deflating horizontal bands of rows on several cores.
///
/// The bands are joined the way pigz joins its blocks: the first band carries the zlib header, every band but
/// the last ends with a sync flush (an empty stored block, so the next band starts on a byte boundary), later
/// bands are raw deflate data that never refers back across the join, and one Adler-32 of all the rows (combined
/// from the bands' own) closes the stream. Any PNG decoder reads the result as one ordinary zlib stream. Rows are
/// written unfiltered (filter type 0), as FFmpeg's PNG encoder does by default.
enum PNGWriter {
    /// The zlib level: 1 takes about half the time of zlib's default 6 on a 1080p frame for a file a few percent
    /// larger (BENCHMARKS.md); the pixels are the same either way.
    static let level: Int32 = 1
    /// Bands smaller than this many bytes of rows are not worth a thread of their own.
    static let minimumBandBytes = 512 * 1024

    /// The complete PNG file for `image`.
    /// - Parameter bands: how many bands to deflate at once; nil picks one per active core (at most 8), each of
    ///   at least `minimumBandBytes`.
    static func encode(_ image: PixelImage, bands requested: Int? = nil, path: String) throws -> [UInt8] {
        let rowBytes = image.width * image.bytesPerPixel
        let bandCount = max(
            1, min(image.height, requested ?? min(8, ProcessInfo.processInfo.activeProcessorCount, (rowBytes + 1) * image.height / minimumBandBytes)))
        let rowsPerBand = (image.height + bandCount - 1) / bandCount
        let ranges = stride(from: 0, to: image.height, by: rowsPerBand).map { $0..<min(image.height, $0 + rowsPerBand) }

        let results = UnsafeMutableBufferPointer<Band?>.allocate(capacity: ranges.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            // Each band reads its own rows and writes its own slot; the buffers outlive the concurrent calls.
            nonisolated(unsafe) let base = pixels.baseAddress!
            nonisolated(unsafe) let slots = results
            let work: @Sendable (Int) -> Void = { i in
                slots[i] = deflateBand(base, rowBytes: rowBytes, rows: ranges[i], first: i == 0, last: i == ranges.count - 1)
            }
            if ranges.count == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: ranges.count, execute: work)
            }
        }

        var bands: [Band] = []
        var adler: UInt = 0
        for (i, range) in ranges.enumerated() {
            guard let band = results[i] else {
                throw MediaError.outputFailed(path: path, detail: "PNG compression failed (zlib)")
            }
            bands.append(band)
            adler = i == 0 ? band.adler : adler32_combine(adler, band.adler, off_t(range.count * (rowBytes + 1)))
        }
        // The raw last band has no trailer: the Adler-32 of every row, big-endian.
        var trailer: [UInt8] = []
        if ranges.count > 1 { appendBigEndian(UInt32(adler), to: &trailer) }

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        // Bit depth 8; colour type 6 (RGBA) or 2 (RGB); deflate; adaptive filtering; no interlace.
        header += [8, image.hasAlpha ? 6 : 2, 0, 0, 0]
        appendChunk("IHDR", [header], to: &file)
        appendChunk("IDAT", bands.map(\.bytes) + [trailer], to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// One band's compressed bytes and the Adler-32 of its uncompressed rows (filter bytes included).
    struct Band {
        var bytes: [UInt8]
        var adler: UInt
    }

    /// Deflates rows `rows` (each preceded by filter byte 0); nil when zlib fails.
    static func deflateBand(_ base: UnsafePointer<UInt8>, rowBytes: Int, rows: Range<Int>, first: Bool, last: Bool) -> Band? {
        var stream = z_stream()
        guard cff_deflate_init(&stream, level, first ? 15 : -15) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let inputLength = rows.count * (rowBytes + 1)
        // deflateBound covers Z_FINISH; a sync flush adds at most a few bytes more.
        let capacity = Int(deflateBound(&stream, uLong(inputLength))) + 64
        var adler = adler32(0, nil, 0)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(capacity)
            var filter: UInt8 = 0
            for y in rows {
                let row = UnsafeMutablePointer(mutating: base + y * rowBytes)
                let flush = y < rows.upperBound - 1 ? Z_NO_FLUSH : (last ? Z_FINISH : Z_SYNC_FLUSH)
                withUnsafeMutablePointer(to: &filter) { f in
                    stream.next_in = f
                    stream.avail_in = 1
                    if deflate(&stream, Z_NO_FLUSH) != Z_OK { failed = true }
                    adler = adler32(adler, f, 1)
                }
                stream.next_in = row
                stream.avail_in = uInt(rowBytes)
                let code = deflate(&stream, flush)
                if code != Z_OK && code != Z_STREAM_END { failed = true }
                if stream.avail_in != 0 || (flush == Z_FINISH && code != Z_STREAM_END) { failed = true }
                adler = adler32(adler, row, uInt(rowBytes))
                if failed { break }
            }
            count = capacity - Int(stream.avail_out)
        }
        return failed ? nil : Band(bytes: bytes, adler: adler)
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// Appends a chunk: length, type, data (the parts joined), CRC-32 of type and data.
    static func appendChunk(_ type: String, _ parts: [[UInt8]], to file: inout [UInt8]) {
        let length = parts.reduce(0) { $0 + $1.count }
        file.reserveCapacity(file.count + length + 12)
        appendBigEndian(UInt32(length), to: &file)
        let typeBytes = Array(type.utf8)
        file += typeBytes
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        for part in parts {
            file += part
            crc = part.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        }
        appendBigEndian(UInt32(crc), to: &file)
    }
}
