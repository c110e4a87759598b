/// A step of the shot pipeline at which a test can inject a crash (`ChainOptions.crashPoint`).
enum CrashPoint: String, Sendable, CaseIterable, Codable {
    /// After the `submitting` intent is on disk, before the submit is sent.
    case afterIntent = "after-intent"
    /// After the service accepted the submit, before its request id is on disk (the one window that cannot be closed).
    case afterSubmitSent = "after-submit-sent"
    /// After the request id is on disk, before the first poll.
    case afterRequestID = "after-request-id"
    /// After the output is downloaded and journaled, before it is verified.
    case afterDownload = "after-download"
    /// After the shot is journaled as completed.
    case afterCompleted = "after-completed"
}
