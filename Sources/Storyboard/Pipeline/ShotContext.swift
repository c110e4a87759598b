import Foundation
import Segmind

/// What the steps of one shot share: its plan entry, the run's options and journal, and where its output goes.
struct ShotContext: Sendable {
    /// The shot.
    var shot: PlannedShot
    /// The run's options (out folder, poll interval, progress).
    var options: ChainOptions
    /// The run journal.
    var journal: RunJournal

    /// The shot's output file, relative to the out folder: `shots/<id>.mp4`, or `.png`/`.jpg` for an image.
    var file: String {
        guard shot.model.returns == .image else { return "shots/\(shot.id).mp4" }
        let format = shot.model.value(of: .outputFormat, in: shot.parameters)?.stringValue
        return "shots/\(shot.id).\(format == "jpg" || format == "jpeg" ? "jpg" : "png")"
    }

    /// `relative` inside the out folder.
    func path(_ relative: String) -> String { options.path(relative) }

    /// Reports a state change of this shot.
    func event(_ state: String, elapsed: Double? = nil) {
        options.progress?(ChainEvent(shot: shot.id, state: state, elapsedSeconds: elapsed, expectedSeconds: shot.expectedSeconds))
    }

    /// Forwards a poll's progress as an event (and `DOWNLOADING` once the job is complete).
    func poll(_ p: JobProgress) {
        event(p.state.description, elapsed: p.elapsedSeconds)
        if p.state == .completed { event("DOWNLOADING") }
    }

    /// Gives a test the chance to crash the run at `point`.
    func crash(_ point: CrashPoint) async throws { try await options.crashPoint?(point, shot.id) }
}
