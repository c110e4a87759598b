import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FrameServer {
    /// Publishes the image and video files directly inside a folder (not in subfolders).
    ///
    /// A file is published when its first bytes are PNG, JPEG, WebP, MP4 or MOV. Skipped: hidden names (starting
    /// with `.`), folders, and symbolic links whose target lies outside the folder or under a hidden name. A file
    /// that is already published and unchanged (for example restored from the state file) keeps its URL.
    /// - Parameter directory: the folder.
    /// - Returns: the published files, ordered by name.
    /// - Throws: `FrameServerError.notFound`, `.unreadable`, `.nothingToPublish` if no file qualifies, or `.stateFile`.
    public func publishDirectory(_ directory: String) async throws(FrameServerError) -> [PublishedFile] {
        guard let root = Self.resolvedPath(directory) else {
            throw errno == ENOENT || errno == ENOTDIR
                ? .notFound(path: directory) : .unreadable(path: directory, reason: currentErrnoDescription())
        }
        var info = stat()
        guard stat(root, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .unreadable(path: directory, reason: "not a folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        } catch {
            throw .unreadable(path: directory, reason: "cannot list the folder")
        }
        var published: [PublishedFile] = []
        for name in names where !name.hasPrefix(".") {
            let path = root + "/" + name
            guard let target = Self.resolvedPath(path), Self.isInside(target, root: root) else { continue }
            guard let file = ReadOnlyFile(openingIfPossible: target), let identity = FileIdentity.current(descriptor: file.descriptor) else {
                continue
            }
            var header = [UInt8](repeating: 0, count: 16)
            let count = header.withUnsafeMutableBytes { file.read(into: $0, count: 16, offset: 0) }
            guard count > 0, MediaKind(sniffing: header.prefix(count)).isMedia else { continue }
            // Already published and unchanged (restored from the state file, say): the same URL again.
            if let existing = table.publication(path: path, resolvedPath: target, identity: identity) {
                published.append(publishedFile(existing))
                continue
            }
            published.append(try publishFile(path, recording: false))
        }
        guard !published.isEmpty else { throw .nothingToPublish(directory: directory) }
        // One state-file write for the whole folder; if it fails, the folder is not published.
        do {
            try saveState()
        } catch {
            for file in published { table.remove(token: file.token) }
            throw error
        }
        return published
    }

    /// Whether `path` is strictly below `root` with no hidden component in between (both already resolved).
    static func isInside(_ path: String, root: String) -> Bool {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard path.hasPrefix(prefix) else { return false }
        return !path.dropFirst(prefix.count).split(separator: "/").contains { $0.hasPrefix(".") }
    }
}
