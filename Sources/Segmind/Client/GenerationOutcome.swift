import Foundation

/// The outcome of a finished generation.
public struct GenerationOutcome: Sendable, Equatable, Codable {
    /// The v2 job (nil for a v1 call).
    public var job: Job?
    /// The result body (nil when v1 answered with the media itself).
    public var result: GenerationResult?
    /// The downloaded output.
    public var file: DownloadedFile
    /// Cost, credits and timings as reported.
    public var accounting: Accounting

    /// Creates an outcome.
    public init(job: Job?, result: GenerationResult?, file: DownloadedFile, accounting: Accounting) {
        self.job = job
        self.result = result
        self.file = file
        self.accounting = accounting
    }
}
