import Foundation
import Segmind

/// One line of the run journal.
public struct JournalRecord: Sendable, Codable, Equatable {
    /// `submitting`, `submitted`, `rejected`, `expired`, `downloaded`, `completed`, `resubmit`, `regenerate` or `pick`.
    public var event: String
    /// The shot id.
    public var shot: String
    /// The shot's fingerprint when the record was written.
    public var fingerprint: String?
    /// The request id (`submitted`).
    public var requestID: String?
    /// The status URL (`submitted`).
    public var statusURL: String?
    /// The result URL (`submitted`).
    public var responseURL: String?
    /// The downloaded file, relative to the out folder (`downloaded`).
    public var file: String?
    /// The cost reported by the service, in US dollars (`downloaded`).
    public var costUSD: Double?
    /// The downloaded file's size in bytes (`downloaded`).
    public var bytes: Int64?
    /// The take the record is about (nil: the take in use).
    public var take: Int?
    /// For `submitting`: the upstream takes the inputs come from (shot id to request id).
    public var upstream: [String: String]?
    /// For `submitting`: the body as sent (input URLs filled in), to find the request in the account's history when
    /// the submit's answer is lost.
    public var body: [String: JSONValue]?
    /// The HTTP status of a rejected submit (`rejected`).
    public var status: Int?
    /// The service's message (`rejected`).
    public var message: String?
    /// Seconds since 1970 when written.
    public var time: Double

    /// Creates a record stamped now.
    public init(
        event: String, shot: String, fingerprint: String? = nil, requestID: String? = nil, statusURL: String? = nil, responseURL: String? = nil,
        file: String? = nil, costUSD: Double? = nil, bytes: Int64? = nil, status: Int? = nil, message: String? = nil, take: Int? = nil,
        upstream: [String: String]? = nil, body: [String: JSONValue]? = nil
    ) {
        self.event = event
        self.shot = shot
        self.fingerprint = fingerprint
        self.requestID = requestID
        self.statusURL = statusURL
        self.responseURL = responseURL
        self.file = file
        self.costUSD = costUSD
        self.bytes = bytes
        self.take = take
        self.upstream = upstream
        self.body = body
        self.status = status
        self.message = message
        self.time = Date().timeIntervalSince1970
    }
}
