import Foundation

extension FrameServer {
    /// Publishes the recorded entries again under their tokens, each only if its file is unchanged, then rewrites the
    /// state file without the others (which are logged as a warning, and answer 404).
    /// - Throws: `FrameServerError.stateFile` if the state file cannot be written.
    func restore(_ entries: [PublicationState.Entry]) throws(FrameServerError) {
        var dropped: [String] = []
        for entry in entries {
            do {
                table.insert(try preparePublication(entry.originalPath, recorded: entry))
            } catch {
                dropped.append(entry.originalPath)
            }
        }
        if !dropped.isEmpty, let path = configuration.stateFile {
            let listed = dropped.prefix(5).joined(separator: ", ") + (dropped.count > 5 ? ", ..." : "")
            logger.warning("state file \(path): \(dropped.count) publication(s) not restored, their files changed or are gone: \(listed)")
        }
        try saveState()
    }

    /// Writes every publication and the listening address to the state file, if there is one. Writes are serialised
    /// and each one takes a fresh snapshot, so the last write holds the latest table.
    /// - Throws: `FrameServerError.stateFile`.
    func saveState() throws(FrameServerError) {
        guard let path = configuration.stateFile else { return }
        try stateLock.withLock { _ throws(FrameServerError) in
            let entries = table.all.sorted { $0.token < $1.token }.map { publication in
                PublicationState.Entry(
                    token: publication.token, name: publication.name, originalPath: publication.originalPath,
                    resolvedPath: publication.resolvedPath, identity: publication.identity, kind: publication.kind
                )
            }
            let state = PublicationState(
                version: PublicationState.currentVersion, host: configuration.host, port: port,
                publicBaseURL: baseURL == localBaseURL ? nil : baseURL.absoluteString, publications: entries
            )
            try StateFile.write(state, to: path)
        }
    }
}
