import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and atomically replaces a frame server's state file (`PublicationState` as JSON).
enum StateFile {
    /// The largest state file read (a million publications fit).
    static let maximumSize = 512 << 20

    /// Reads and checks a state file.
    /// - Returns: the state, or nil if there is no file at `path` yet.
    /// - Throws: `FrameServerError.stateFile` naming the file and the problem.
    static func read(_ path: String) throws(FrameServerError) -> PublicationState? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .stateFile(path: path, reason: "cannot open (\(currentErrnoDescription()))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .stateFile(path: path, reason: "not a regular file")
        }
        guard info.st_size <= maximumSize else { throw .stateFile(path: path, reason: "larger than \(maximumSize >> 20) MiB") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes[filled...].withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(filled)) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .stateFile(path: path, reason: "cannot read (\(currentErrnoDescription()))") }
            guard count > 0 else { break }
            filled += count
        }
        let state: PublicationState
        do {
            state = try decoder.decode(PublicationState.self, from: Data(bytes[..<filled]))
        } catch {
            throw .stateFile(path: path, reason: "not a frame server state file (\(describe(error)))")
        }
        if let problem = state.problem { throw .stateFile(path: path, reason: problem) }
        return state
    }

    /// Replaces the state file atomically: a temporary file next to it is written and synced, renamed over it, and
    /// the folder is synced, so a crash leaves either the old file or the new one. The file is private (mode 0600):
    /// its tokens are the URLs' secrets.
    /// - Throws: `FrameServerError.stateFile`.
    static func write(_ state: PublicationState, to path: String) throws(FrameServerError) {
        let data: Data
        do {
            data = try encoder.encode(state)
        } catch {
            throw .stateFile(path: path, reason: "cannot encode (\(error))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".\(PublicationTable.makeToken()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .stateFile(path: path, reason: "cannot create \(temporary) (\(currentErrnoDescription()))") }
        var failure: String?
        let bytes = [UInt8](data)
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes[written...].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(written)) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { failure = "cannot write (\(currentErrnoDescription()))" } else { written += count }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = "cannot sync (\(currentErrnoDescription()))" }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = "cannot rename the new copy into place (\(currentErrnoDescription()))" }
        if let failure {
            unlink(temporary)
            throw .stateFile(path: path, reason: failure)
        }
        let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor >= 0 else { return }
        defer { close(folderDescriptor) }
        guard fsync(folderDescriptor) == 0 else { throw .stateFile(path: path, reason: "cannot sync its folder (\(currentErrnoDescription()))") }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A short description of a decoding error: what and where.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            let at = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return (at.isEmpty ? "" : at + ": ") + context.debugDescription
        @unknown default: return String(describing: error)
        }
    }
}
