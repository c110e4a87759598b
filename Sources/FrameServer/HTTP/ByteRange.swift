/// What a `Range` request header asks of a representation of a given size (RFC 9110 section 14).
enum ByteRangeRequest: Equatable {
    /// No usable range: serve the whole representation with 200 (absent, malformed, another unit, or several ranges).
    case whole
    /// One satisfiable range: serve it with 206.
    case range(ClosedRange<Int>)
    /// The range cannot be satisfied: answer 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    /// Interprets a `Range` header value for a representation of `size` bytes.
    ///
    /// Accepts one `first-last`, `first-` or `-suffix` range. Several ranges are not supported and are ignored,
    /// which RFC 9110 allows; so is any syntax error.
    init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let value = header[...].trimmingASCIIWhitespace()
        guard value.utf8.count > 6, value.prefix(6).lowercased() == "bytes=" else {
            self = .whole
            return
        }
        let spec = value.dropFirst(6).trimmingASCIIWhitespace()
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let firstText = spec[..<dash].trimmingASCIIWhitespace()
        let lastText = spec[spec.index(after: dash)...].trimmingASCIIWhitespace()
        if firstText.isEmpty {
            // Suffix range: the last N bytes.
            guard let suffix = Self.parseDigits(lastText) else {
                self = .whole
                return
            }
            guard suffix > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .range(max(0, size - suffix)...(size - 1))
            return
        }
        guard let first = Self.parseDigits(firstText) else {
            self = .whole
            return
        }
        var last = Int.max
        if !lastText.isEmpty {
            guard let parsed = Self.parseDigits(lastText), parsed >= first else {
                self = .whole
                return
            }
            last = parsed
        }
        guard first < size else {
            self = .unsatisfiable
            return
        }
        self = .range(first...min(last, size - 1))
    }

    /// Parses a non-empty run of ASCII digits; values too large for `Int` saturate at `Int.max`.
    private static func parseDigits(_ text: Substring) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> Substring {
        guard let start = firstIndex(where: { $0 != " " && $0 != "\t" }) else { return self[endIndex...] }
        let end = lastIndex(where: { $0 != " " && $0 != "\t" })!
        return self[start...end]
    }
}
