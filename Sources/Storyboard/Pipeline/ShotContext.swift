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
    /// The number of the take in use (1 for a shot made once).
    var take: Int

    /// The output file of the take in use, relative to the out folder.
    var file: String { file(take: take) }

    /// The output file of take `n`, relative to the out folder: `shots/<id>.mp4` for the first take,
    /// `shots/<id>.take<n>.mp4` for later ones (`.png`/`.jpg` for an image model). No take overwrites another.
    func file(take n: Int) -> String {
        let ext: String
        if shot.model.returns == .image {
            let format = shot.model.value(of: .outputFormat, in: shot.parameters)?.stringValue
            ext = format == "jpg" || format == "jpeg" ? "jpg" : "png"
        } else {
            ext = "mp4"
        }
        return n <= 1 ? "shots/\(shot.id).\(ext)" : "shots/\(shot.id).take\(n).\(ext)"
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
