import Foundation

/// What a frame server's state file holds: where it listened and every publication, so a restarted server answers
/// the same URLs. Stored as JSON with snake_case keys.
struct PublicationState: Codable, Equatable, Sendable {
    /// The format version this code writes and reads.
    static let currentVersion = 1
    /// The most publications a state file may list.
    static let maximumEntries = 1_000_000

    /// One publication as recorded: the token and name in its URL, the path given to `publish` and the resolved path
    /// that requests read, the file's identity when it was published, and the kind sniffed from its first bytes.
    struct Entry: Codable, Equatable, Sendable {
        var token, name, originalPath, resolvedPath: String
        var identity: FileIdentity
        var kind: MediaKind
    }

    /// The format version, the interface and port the server listened on, the base URLs were minted on (nil for the
    /// local address) and every publication, ordered by token.
    var version: Int
    var host: String, port: Int, publicBaseURL: String?
    var publications: [Entry]

    /// Checks everything a hostile or damaged file could get wrong.
    /// - Returns: nil if the state is sound, else the problem.
    var problem: String? {
        guard version == Self.currentVersion else { return "unsupported version \(version) (expected \(Self.currentVersion))" }
        guard (0...65535).contains(port) else { return "port \(port) is not 0...65535" }
        if let publicBaseURL, (try? FrameServerConfiguration.validatedPublicBaseURL(publicBaseURL)) == nil {
            return "public_base_url \(publicBaseURL) is not an http or https URL"
        }
        guard publications.count <= Self.maximumEntries else { return "more than \(Self.maximumEntries) publications" }
        var tokens = Set<String>()
        for (index, entry) in publications.enumerated() {
            if let problem = entry.problem { return "publication \(index + 1): \(problem)" }
            guard tokens.insert(entry.token).inserted else { return "publication \(index + 1): token listed twice" }
        }
        return nil
    }
}

extension PublicationState.Entry {
    /// Whether the entry could have been written by a server: nil if so, else the problem.
    var problem: String? {
        guard PublicationTable.isWellFormedToken(token) else { return "the token is not 32 lowercase hex digits" }
        guard !name.isEmpty, PublicationTable.urlName(for: name) == name else { return "the name \(name) is not a URL name" }
        for path in [originalPath, resolvedPath] where path.isEmpty || path.utf8.contains(0) {
            return "an empty path or one with a NUL byte"
        }
        guard resolvedPath.hasPrefix("/") else { return "the resolved path \(resolvedPath) is not absolute" }
        guard identity.size >= 0 else { return "negative file size \(identity.size)" }
        return nil
    }
}
