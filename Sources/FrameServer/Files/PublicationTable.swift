import Hummingbird
import Synchronization

/// One published file: where it is, what it was when published, and (for small files) its bytes.
struct Publication: Sendable {
    /// The 128-bit random token, 32 lowercase hex digits.
    let token: String
    /// The name in the URL (`/f/<token>/<name>`), ASCII letters, digits, `.`, `_` and `-` only.
    let name: String
    /// The path the caller published.
    let originalPath: String
    /// The resolved path (no symbolic links) that requests read.
    let resolvedPath: String
    /// The file as it was when published.
    let identity: FileIdentity
    /// The kind sniffed from the first bytes.
    let kind: MediaKind
    /// Strong entity tag.
    let entityTag: String
    /// `Last-Modified` value (IMF-fixdate).
    let lastModified: String
    /// The whole file, for files small enough to keep in memory; nil means read from disk on each request.
    let contents: ByteBuffer?
}

/// The in-memory table of publications, keyed by token. Thread-safe; lookups take a short lock.
final class PublicationTable: Sendable {
    private struct State {
        var byToken: [String: Publication] = [:]
        var cachedBytes = 0
    }

    private let state = Mutex(State())

    /// The total size of the in-memory copies.
    var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// The publication for a token, if any.
    func publication(token: Substring) -> Publication? {
        state.withLock { $0.byToken[String(token)] }
    }

    /// A publication of `path` (as given to `publish`), read from `resolvedPath`, with exactly this identity, if any.
    func publication(path: String, resolvedPath: String, identity: FileIdentity) -> Publication? {
        state.withLock { state in
            state.byToken.values.first { $0.originalPath == path && $0.resolvedPath == resolvedPath && $0.identity == identity }
        }
    }

    /// All publications, in no particular order.
    var all: [Publication] { state.withLock { Array($0.byToken.values) } }

    /// Reserves `count` bytes of the in-memory budget; false if the budget would be exceeded.
    func reserveCache(_ count: Int, limit: Int) -> Bool {
        state.withLock { state in
            guard state.cachedBytes + count <= limit else { return false }
            state.cachedBytes += count
            return true
        }
    }

    /// Returns bytes reserved with `reserveCache` that were not used.
    func releaseCache(_ count: Int) {
        state.withLock { $0.cachedBytes -= count }
    }

    /// Adds a publication.
    func insert(_ publication: Publication) {
        state.withLock { $0.byToken[publication.token] = publication }
    }

    /// Removes a publication; returns it if it was there.
    @discardableResult
    func remove(token: String) -> Publication? {
        state.withLock { state in
            guard let removed = state.byToken.removeValue(forKey: token) else { return nil }
            state.cachedBytes -= removed.contents?.readableBytes ?? 0
            return removed
        }
    }

    /// Removes everything.
    func removeAll() {
        state.withLock { $0 = State() }
    }

    /// A new 128-bit token from the system's cryptographic random source, as 32 lowercase hex digits.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex16(high) + hex16(low)
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Whether `token` has the shape of a token (32 lowercase hex digits).
    static func isWellFormedToken(_ token: some StringProtocol) -> Bool {
        token.utf8.count == 32 && token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The URL name for a file name: ASCII letters, digits, `.`, `_` and `-`; anything else becomes `_`;
    /// no leading dot; at most 100 characters (the extension is kept).
    static func urlName(for fileName: String) -> String {
        var scalars = fileName.unicodeScalars.map { scalar -> Character in
            let allowed =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "." || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "_"
        }
        while scalars.first == "." { scalars[0] = "_" }
        var name = String(scalars)
        if name.isEmpty { name = "file" }
        if name.count > 100 {
            let dot = name.lastIndex(of: ".")
            let ext = dot.map { String(name[$0...].prefix(12)) } ?? ""
            name = String(name.prefix(100 - ext.count)) + ext
        }
        return name
    }
}
