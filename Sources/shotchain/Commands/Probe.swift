import ArgumentParser

extension Shotchain {
    /// Placeholder replaced by the probe implementation.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe video and image files.")
        func run() async throws {}
    }
}
