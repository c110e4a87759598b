import Foundation

/// The result of probing several files: what was found, and what was wrong, in the order given.
public struct ProbeReport: Sendable, Equatable {
    /// The files that could be opened (healthy or flagged), in the order given.
    public var files: [MediaInfo]
    /// One error per file that could not be read, or that was read but is not healthy
    /// (truncated, undecodable, above the pixel limit), in the order given.
    public var errors: [MediaError]

    /// Creates a report.
    public init(files: [MediaInfo], errors: [MediaError]) {
        self.files = files
        self.errors = errors
    }

    /// Probes every path; never throws: unreadable files become `errors`, flagged ones appear in both lists.
    public static func make(paths: [String], options: ProbeOptions = ProbeOptions()) -> ProbeReport {
        var report = ProbeReport(files: [], errors: [])
        for path in paths {
            do {
                let info = try MediaProbe.probe(path, options: options)
                report.files.append(info)
                if let error = info.healthError { report.errors.append(error) }
            } catch let error as MediaError {
                report.errors.append(error)
            } catch {
                report.errors.append(.unrecognizedFormat(path: path, reason: "\(error)"))
            }
        }
        return report
    }

    /// True when every file was read and is healthy.
    public var isHealthy: Bool { errors.isEmpty }

    /// The JSON array of `files` (pretty-printed, sorted snake_case keys, a trailing newline).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(files), as: UTF8.self) + "\n"
    }

    /// The readable summary of every file in `files`.
    public func summary() -> String {
        files.map { $0.summary }.joined()
    }
}
