import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SegmindClient {
    // MARK: Downloads

    /// Streams `url` to `destination` under a temporary name in the same folder, checks the byte count
    /// against `Content-Length`, inspects the file, and renames it only when all is well.
    ///
    /// Retries 429, 5xx, transport failures and short bodies; no partial file is ever left behind.
    public func download(_ url: String, to destination: URL, expecting kind: OutputKind?, requestID: String?) async throws -> DownloadedFile {
        var attempt = 0
        while true {
            attempt += 1
            let last = attempt >= configuration.retry.maxAttempts
            do {
                guard let response = try await attemptGET(url, json: false, timeout: configuration.downloadTimeout, attempt: attempt) else {
                    continue
                }
                guard (200..<300).contains(response.status) else {
                    let data = (try? await response.body.collect(limit: 1 << 20)) ?? Data()
                    throw httpError(response, data, requestID: requestID).error
                }
                return try await writeBody(response, from: url, to: destination, expecting: kind, requestID: requestID)
            } catch let failure as TransportFailure {
                if last { throw SegmindError.transport(message: redact("download of \(url): \(failure)"), requestID: requestID) }
            } catch let error as SegmindError {
                guard case .incompleteDownload = error, !last else { throw error }
            }
            try await clock.sleep(seconds: configuration.retry.backoff(afterAttempt: attempt, random: random()))
        }
    }

    func writeBody(
        _ response: TransportResponse, from url: String, to destination: URL, expecting kind: OutputKind?, requestID: String?
    ) async throws -> DownloadedFile {
        let folder = destination.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(destination.lastPathComponent).part-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw SegmindError.output(path: destination.path, message: "cannot create a file in \(folder.path)")
        }
        var renamed = false
        defer { if !renamed { try? FileManager.default.removeItem(at: temp) } }
        guard let handle = try? FileHandle(forWritingTo: temp) else {
            throw SegmindError.output(path: destination.path, message: "cannot open \(temp.path) for writing")
        }
        var count: Int64 = 0
        do {
            defer { try? handle.close() }
            while let chunk = try await response.body.next() {
                do { try handle.write(contentsOf: chunk) } catch {
                    throw SegmindError.output(path: destination.path, message: error.localizedDescription)
                }
                count += Int64(chunk.count)
            }
            try handle.synchronize()
        } catch let failure as TransportFailure {
            debug("download of \(url) cut short after \(count) bytes: \(failure)")
            throw SegmindError.incompleteDownload(
                url: redact(url), expected: response.headers["content-length"].flatMap { Int64($0) }, received: count)
        }
        let expected = response.headers["content-length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        if let expected, expected != count {
            throw SegmindError.incompleteDownload(url: redact(url), expected: expected, received: count)
        }
        if count == 0 { throw SegmindError.incompleteDownload(url: redact(url), expected: expected, received: 0) }
        let facts: MediaFacts
        do { facts = try inspector.inspect(path: temp.path) } catch let error as SegmindError {
            let detail: String
            if case .badMedia(_, let m) = error { detail = m } else { detail = error.description }
            throw SegmindError.badMedia(path: destination.path, message: "downloaded output from \(redact(url)) is not usable: \(detail)")
        }
        if let kind, facts.kind != kind {
            throw SegmindError.badMedia(
                path: destination.path, message: "expected a \(kind.rawValue), downloaded a \(facts.kind.rawValue) (\(facts.format))")
        }
        guard rename(temp.path, destination.path) == 0 else {
            throw SegmindError.output(path: destination.path, message: String(cString: strerror(errno)))
        }
        renamed = true
        return DownloadedFile(
            path: destination.path, byteCount: count, contentType: response.headers["content-type"], sourceURL: redact(url), kind: facts.kind,
            width: facts.width, height: facts.height, durationSeconds: facts.durationSeconds)
    }
}
