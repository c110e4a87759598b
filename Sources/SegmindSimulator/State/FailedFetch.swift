import Foundation

/// An input URL the simulator could not use while a job was PROCESSING (the job then ended FAILED with `reason`).
public struct FailedFetch: Sendable, Equatable, CustomStringConvertible {
    /// The job's request id.
    public let requestID: String
    /// The input URL as submitted.
    public let url: String
    /// Why the fetch failed: the FAILED job's `error`, naming the parameter and the URL.
    public let reason: String
    /// When the fetch failed.
    public let time: Date

    /// `request-id url: reason`.
    public var description: String { "\(requestID) \(url): \(reason)" }
}
