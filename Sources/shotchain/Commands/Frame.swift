import ArgumentParser

extension Shotchain {
    /// Placeholder replaced by the frame implementation.
    struct Frame: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extract an exact frame.")
        func run() async throws {}
    }
}
