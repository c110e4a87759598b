import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole files so that readers see either nothing or the complete contents, flushed to disk (the file before
/// the rename, the folder after it).
enum AtomicFile {
    /// Writes `bytes` to a temporary file next to `path`, then renames it into place.
    /// On any failure the temporary file is removed and `MediaError.outputFailed` names `path`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MediaError.outputFailed(path: path, detail: "folder \(directory.path) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw MediaError.outputFailed(path: path, detail: "is a directory")
        }
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try Data(bytes).write(to: temp)
            // On disk before it takes the name: a power cut never leaves a named file with missing bytes.
            let handle = try FileHandle(forWritingTo: temp)
            defer { try? handle.close() }
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw MediaError.outputFailed(path: path, detail: "cannot write: \(error.localizedDescription)")
        }
        if rename(temp.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw MediaError.outputFailed(path: path, detail: "cannot rename into place: \(reason)")
        }
        // The rename itself is on disk once the folder is.
        let folder = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }
}
