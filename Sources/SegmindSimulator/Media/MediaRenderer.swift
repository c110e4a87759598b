import Foundation

/// Renders a job's output media into the simulator's output folder.
struct MediaRenderer: Sendable {
    /// The folder holding one subfolder per output.
    let directory: URL

    /// Renders synchronously (call it off the event loops); a problem becomes the FAILED job's error.
    func render(_ job: RenderJob) throws(InputProblem) -> OutputFile {
        throw InputProblem(message: "rendering is not available in this build")
    }
}
