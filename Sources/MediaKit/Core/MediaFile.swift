import Foundation

/// Checks that a path names a non-empty regular file before FFmpeg is asked to open it,
/// so the user gets "no such file" or "is a directory" rather than an FFmpeg error code.
enum MediaFile {
    /// Returns the file size in bytes, or throws a `MediaError` naming the problem.
    static func checkReadable(_ path: String) throws -> Int64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError.fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw MediaError.notARegularFile(path: path) }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular, type != .typeSymbolicLink {
            throw MediaError.notARegularFile(path: path)
        }
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        if size == 0 { throw MediaError.emptyFile(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MediaError.unrecognizedFormat(path: path, reason: "permission denied")
        }
        return size
    }
}
