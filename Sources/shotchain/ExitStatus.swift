import ArgumentParser
import Foundation
import MediaKit
import Segmind
import Storyboard

/// The exit statuses shotchain uses, documented in `--help`.
enum ExitStatus {
    /// A check did not pass (`verify`).
    static let checkFailed: Int32 = 1
    /// Bad input: a missing, unreadable, corrupt or unsupported file, or an invalid value.
    static let badInput: Int32 = 2
    /// The service or the network failed (an HTTP error, a FAILED job, a timeout).
    static let serviceFailed: Int32 = 3
    /// The outcome is not known yet (a deadline passed or a submit may have been accepted); nothing is lost.
    static let pending: Int32 = 4

    static let helpText = """
        Exit status: 0 success; 1 a check failed; 2 bad input (missing, unreadable, corrupt or \
        unsupported file, invalid value); 3 service or network failure; 4 outcome pending (a \
        deadline passed; the request id is printed); 64 usage error.
        """
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("shotchain: " + message + "\n").utf8))
}

/// Runs a command body, turning library errors into one stderr line and the documented exit status.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as MediaError {
        printError(error.description)
        throw ExitCode(ExitStatus.badInput)
    } catch let error as SegmindError {
        printError(error.description)
        if error.isBadInput { throw ExitCode(ExitStatus.badInput) }
        if error.isPending { throw ExitCode(ExitStatus.pending) }
        throw ExitCode(ExitStatus.serviceFailed)
    } catch let error as StoryboardError {
        printError(error.description)
        if error.isBadInput { throw ExitCode(ExitStatus.badInput) }
        if error.needsDecision { throw ExitCode(ExitStatus.pending) }
        switch error {
        case .overBudget, .budgetReached, .unpriced, .verificationFailed: throw ExitCode(ExitStatus.checkFailed)
        default: throw ExitCode(ExitStatus.serviceFailed)
        }
    }
}
