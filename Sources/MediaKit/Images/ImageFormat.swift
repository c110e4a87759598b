/// The image file types MediaKit writes, chosen by file extension.
public enum ImageFormat: String, Sendable, CaseIterable {
    /// PNG, lossless, rgb24 or rgba.
    case png
    /// JPEG (baseline MJPEG, full-range 4:2:0); alpha is dropped.
    case jpeg
    /// WebP (libwebp, lossy); yuva420p when the picture has alpha.
    case webp

    /// The format for a path's extension (`.png`, `.jpg`, `.jpeg`, `.webp`, any case).
    /// - Throws: `MediaError.invalidArgument` naming the path for any other extension.
    public init(path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        switch ext {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default:
            let shown = ext.isEmpty ? "no extension" : "extension '.\(ext)'"
            throw MediaError.invalidArgument("\(path): unsupported image type (\(shown)); use .png, .jpg, .jpeg or .webp")
        }
    }
}
