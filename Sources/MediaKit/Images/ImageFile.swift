/// Reading and writing still images (PNG, JPEG, WebP) as `PixelImage`s.
public enum ImageFile {
    /// Decodes an image file to 8-bit RGB or RGBA, upright (JPEG EXIF orientation applied).
    /// - Parameters:
    ///   - path: a PNG, JPEG or WebP file (any still-image type FFmpeg reads).
    ///   - pixelLimit: images whose header declares more pixels are refused before decoding.
    /// - Throws: `MediaError` (`tooManyPixels`, `unrecognizedFormat`, `decodeFailed`, ...) naming the file.
    public static func read(_ path: String, pixelLimit: Int = 100_000_000) throws -> PixelImage {
        let reader = try VideoReader(path: path, pixelLimit: pixelLimit)
        let name = reader.container.formatName
        guard name.hasSuffix("_pipe") || name == "image2" else {
            throw MediaError.unrecognizedFormat(path: path, reason: "not a still image (container \(name))")
        }
        let found = try FrameExtractor.first(reader)
        return try found.finish(reader: reader, pixelLimit: pixelLimit).image
    }

    /// Encodes `image` and writes it atomically; the type follows the extension of `path`.
    /// - Parameters:
    ///   - image: the picture; alpha is kept for PNG and WebP and dropped for JPEG.
    ///   - path: the output file (`.png`, `.jpg`, `.jpeg` or `.webp`).
    ///   - quality: 1...100 for JPEG and WebP; nil for the default.
    /// - Throws: `MediaError.invalidArgument` for another extension, `outputFailed` when writing fails.
    public static func write(_ image: PixelImage, to path: String, quality: Int? = nil) throws {
        try write(image, to: path, format: try ImageFormat(path: path), quality: quality)
    }

    /// The bytes of a PNG file of `image` (alpha kept), made in memory: for pictures that go into a page rather
    /// than a file.
    /// - Throws: `MediaError.outputFailed` when encoding fails.
    public static func pngBytes(_ image: PixelImage) throws -> [UInt8] {
        try PNGWriter.encode(image, path: "(in memory)")
    }

    /// Throws `invalidArgument` naming `path` when `quality` is outside 1...100.
    static func checkQuality(_ quality: Int?, path: String) throws {
        if let quality, !(1...100).contains(quality) {
            throw MediaError.invalidArgument("\(path): quality \(quality) is outside 1...100")
        }
    }

    static func write(_ image: PixelImage, to path: String, format: ImageFormat, quality: Int?) throws {
        try checkQuality(quality, path: path)
        let bytes = try ImageEncoder.encode(image, as: format, quality: quality, path: path)
        try AtomicFile.write(bytes, to: path)
    }
}
