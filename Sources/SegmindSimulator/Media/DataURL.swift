import Foundation

/// One decoded `data:<mime>;base64,<bytes>` URL, as `POST /upload-asset` receives them.
struct DataURL: Sendable {
    /// The media type, lowercased (`image/png`).
    var mimeType: String
    var bytes: [UInt8]

    /// File extensions of the media types Segmind's storage takes; other types use their subtype's letters.
    private static let extensions: [String: String] = [
        "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/bmp": "bmp",
        "image/svg+xml": "svg", "image/tiff": "tiff", "image/heic": "heic", "image/heif": "heif", "image/x-icon": "ico",
        "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "video/x-matroska": "mkv", "video/x-msvideo": "avi",
        "video/mpeg": "mpeg", "audio/mpeg": "mp3", "audio/wav": "wav", "audio/x-wav": "wav", "audio/aiff": "aiff", "audio/mp4": "m4a",
        "application/octet-stream": "bin",
    ]

    /// Decodes `text`, or throws a message naming the URL (shortened) and what is wrong with it.
    init(parsing text: String) throws(InputProblem) {
        let shown = text.count > 60 ? "\(text.prefix(60))..." : text
        guard text.lowercased().hasPrefix("data:"), let comma = text.firstIndex(of: ",") else {
            throw InputProblem(message: "'\(shown)' is not a data URL (data:<mime>;base64,<bytes>)")
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma].lowercased()
        let parts = header.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count >= 2, parts.last == "base64", let mime = parts.first, mime.split(separator: "/").count == 2 else {
            throw InputProblem(message: "'\(shown)' is not a base64 data URL with a media type (data:<mime>;base64,<bytes>)")
        }
        let payload = text[text.index(after: comma)...]
        guard let data = Data(base64Encoded: String(payload)) else {
            throw InputProblem(message: "'\(shown)' does not hold valid base64")
        }
        guard !data.isEmpty else { throw InputProblem(message: "'\(shown)' holds no bytes") }
        mimeType = mime
        bytes = [UInt8](data)
    }

    /// The file extension for the media type.
    var fileExtension: String {
        if let known = Self.extensions[mimeType] { return known }
        let subtype = mimeType.split(separator: "/").last.map(String.init) ?? ""
        let letters = String(subtype.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(8))
        return letters.isEmpty ? "bin" : letters
    }
}
