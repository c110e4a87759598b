import ArgumentParser
import SegmindSimulator

/// The defects the simulator puts into the videos it renders (`simulate`, `chain --simulate`).
struct SimulatorDefectOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Colour drift at each video's last frame: L* added, relative saturation and contrast change (e.g. --drift=-4,0.08,0.06).",
            valueName: "brightness,saturation,contrast"))
    var drift: String?

    @Option(help: ArgumentHelp("Frames after the first that repeat it before the motion starts.", valueName: "frames"))
    var hold = 0

    @Option(
        help: ArgumentHelp(
            "A freeze, black or cut at START seconds lasting SECONDS in videos whose prompt contains the text (repeatable).",
            valueName: "kind:start:seconds:prompt-text"))
    var videoFault: [String] = []

    /// True when any of the options was given.
    var isGiven: Bool { drift != nil || hold != 0 || !videoFault.isEmpty }

    /// The defects the options describe.
    /// - Throws: `SimulatorError.invalidConfiguration` naming the option and the bad value.
    func defects() throws(SimulatorError) -> SimulatorDefects {
        try SimulatorDefects(drift: drift, hold: hold, faults: videoFault)
    }

    /// A bad value is one line on stderr and exit 2, as the simulator's other values.
    func validate() throws {
        do {
            _ = try defects()
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.badInput)
        }
    }
}
