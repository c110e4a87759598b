import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The outcome of a finished child process.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Errors from running a test tool.
public struct SubprocessError: Error, CustomStringConvertible {
    public var command: [String]
    public var output: ProcessOutput
    public var description: String {
        "command failed (\(output.status)): \(command.joined(separator: " "))\n\(output.stderrText.suffix(2000))"
    }
}

/// Runs a program (looked up on PATH) to completion and collects its output.
/// Tests use it for the ffmpeg/ffprobe oracles and to run the built CLI.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    currentDirectory: URL? = nil, check: Bool = true
) throws -> ProcessOutput {
    let process = Process()
    if executable.contains("/") {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    }
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a full stderr pipe cannot block the child. Foundation's
    // readDataToEndOfFile() traps on EINTR (a signal handler installed by a server under test can cause one),
    // so read with read(2) and retry on EINTR.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = readToEnd(errPipe.fileHandleForReading.fileDescriptor)
        group.leave()
    }
    let outData = readToEnd(outPipe.fileHandleForReading.fileDescriptor)
    group.wait()
    process.waitUntilExit()
    let output = ProcessOutput(status: process.terminationStatus, stdout: outData, stderr: errData)
    if check && output.status != 0 {
        throw SubprocessError(command: [executable] + arguments, output: output)
    }
    return output
}

/// Runs ffmpeg quietly with `-y`, failing the test on error.
public func ffmpeg(_ arguments: [String]) throws {
    try runProcess("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments)
}

/// Reads a file descriptor to end of file, retrying reads interrupted by signals.
func readToEnd(_ fd: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            data.append(contentsOf: buffer[0..<n])
        } else if n == 0 {
            return data
        } else if errno != EINTR {
            return data
        }
    }
}
