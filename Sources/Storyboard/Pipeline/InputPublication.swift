import MediaKit
import Segmind

/// The first step of a shot: its request, validated against the model, with every local input (a storyboard file or
/// an earlier shot's frame) still a file. A `LocalInputPublisher` then makes those files reachable for the job.
struct InputPublication {
    /// The picture each earlier shot hands on (its exact last frame, or its image), by shot id, as absolute paths.
    var pictures: [String: String]
    /// The output video each earlier video shot hands on (for a `video:` input), by shot id, as absolute paths.
    var videos: [String: String] = [:]
    /// The id of the shot before this one in the storyboard (what `previous` names).
    var previous: String?
    /// The identity (request id) of the take in use of each earlier shot this shot uses, journaled with its submit.
    var upstream: [String: String] = [:]
    /// The colour statistics a colour-matched shot is matched to (its `ColourPlan.reference`'s), nil for none or for
    /// the anchor matched to its own first frame. Not an input of the request: the inspection step uses it.
    var colourReference: LabStatistics?

    /// The validated request of `shot`, its URL inputs in the body and its file inputs as local inputs.
    ///
    /// - Throws: `StoryboardError.shotFailed` naming the shot when the request or an input is refused.
    func request(for shot: PlannedShot) throws -> ValidatedRequest {
        var parameters = shot.parameters
        var locals: [LocalInput] = []
        for (parameter, source) in shot.inputs {
            // A reference video takes the earlier shot's output video; an image input its exact last frame.
            let handed = shot.model.parameter(parameter)?.role == .referenceVideo ? videos : pictures
            switch source {
            case .url(let u): ChainPlan.add(&parameters, parameter, .string(u), model: shot.model)
            case .file(let p): locals.append(LocalInput(parameter: parameter, path: p))
            case .previous: locals.append(LocalInput(parameter: parameter, path: handed[previous ?? ""] ?? ""))
            case .shot(let id): locals.append(LocalInput(parameter: parameter, path: handed[id] ?? ""))
            }
        }
        do {
            return try RequestValidator().validate(model: shot.model, parameters: parameters, localInputs: locals)
        } catch {
            throw StoryboardError.shotFailed(shot: shot.id, message: String(describing: error))
        }
    }
}
