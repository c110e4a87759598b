import Foundation

/// The built `shotchain` executable next to the test bundle (`.build/<config>/shotchain`).
public func shotchainExecutable() throws -> String {
    try builtProduct("shotchain")
}

/// A product built into the same folder as the running tests.
public func builtProduct(_ name: String) throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<6 {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        dir = dir.deletingLastPathComponent()
    }
    if let env = ProcessInfo.processInfo.environment["SHOTCHAIN_BIN_DIR"] {
        let candidate = URL(fileURLWithPath: env).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    }
    struct NotBuilt: Error, CustomStringConvertible { var description: String }
    throw NotBuilt(description: "\(name) is not built next to the tests; run `swift build` first or set SHOTCHAIN_BIN_DIR")
}
