import MediaFormat

/// Checks the picture dimensions a PNG, JPEG, WebP or GIF header declares (read by `MediaFormat`), so that an
/// impossible or oversized image is refused before FFmpeg allocates anything for it.
enum ImageHeader {
    /// Throws when `path` is an image whose header declares an impossible size (zero, or beyond `ImageLimits.standard`:
    /// more than 32768 pixels a side) or more than `limit` pixels. Files of other types, and headers that are cut
    /// short or malformed (reported later by the demuxer), pass.
    /// - Throws: `MediaError.unrecognizedFormat` naming the file and the declared size, or `.tooManyPixels`.
    static func checkPixelLimit(path: String, limit: Int) throws {
        guard let size = try dimensions(path: path) else { return }
        let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
        if overflow || pixels > limit {
            throw MediaError.tooManyPixels(path: path, width: size.width, height: size.height, limit: limit)
        }
    }

    /// Throws when `path` is an image whose header declares an impossible size (see `checkPixelLimit`).
    /// - Throws: `MediaError.unrecognizedFormat` naming the file and the declared size.
    static func checkDimensions(path: String) throws {
        _ = try dimensions(path: path)
    }

    /// The declared size of the image at `path`, checked against `ImageLimits.standard`; nil when the file is not
    /// a readable image header.
    private static func dimensions(path: String) throws -> ImageDimensions? {
        guard let file = try? FileBytes(path: path), let size = try? ImageDimensions.read(from: file) else { return nil }
        do {
            try size.check()
        } catch let error as MediaFormatError {
            throw MediaError.unrecognizedFormat(path: path, reason: error.description)
        }
        return size
    }
}
