import Foundation

/// The files shipped with shotchain (model catalog, encode presets, storyboards), compiled into the executable.
///
/// Paths are relative to the `presets/` folder of the source tree, such as `models/kling-o1.json`. The build
/// embeds every file found there (the `EmbedPresets` plugin), so the tool needs no resource folder at run time.
public enum Presets {
    /// Every embedded file's relative path, sorted.
    public static var paths: [String] { embeddedFiles.keys.sorted() }

    /// The contents of one embedded file, or nil when there is none at `path` (such as `models/kling-o1.json`).
    public static func file(_ path: String) -> Data? {
        embeddedFiles[path]?.data
    }

    /// The embedded files directly inside `folder` (such as `models`), sorted by path; `name` is the file name.
    public static func files(under folder: String) -> [(name: String, path: String, data: Data)] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return paths.compactMap { path in
            guard path.hasPrefix(prefix), !path.dropFirst(prefix.count).contains("/"), let data = file(path) else { return nil }
            return (name: String(path.dropFirst(prefix.count)), path: path, data: data)
        }
    }

    /// Writes one embedded file to a new private temporary folder, for APIs that take a file URL; nil when there
    /// is no such file. The caller removes `folder` when done.
    ///
    /// - Throws: the file system's error when the copy cannot be written.
    public static func temporaryCopy(of path: String) throws -> (file: URL, folder: URL)? {
        guard let data = file(path) else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotchain-presets-\(UUID().uuidString)")
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return (url, folder)
    }

    /// The `presets/` folder of the source tree this module was built from. Only tests and development tools
    /// may use it: an installed tool has no such folder (use `file(_:)` and `files(under:)`).
    public static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    }
}

/// One embedded file as the generator wrote it.
enum EmbeddedContent: Sendable {
    /// UTF-8 text, kept as written.
    case utf8(String)
    /// Any other bytes, base64-encoded.
    case base64(String)

    /// The file's bytes.
    var data: Data? {
        switch self {
        case .utf8(let text): Data(text.utf8)
        case .base64(let text): Data(base64Encoded: text)
        }
    }
}
