import Foundation
import FrameServer
import MediaFormat
import MediaKit
import Presets
import Segmind

/// Runs every header reader of the project on one file in-process and lists what went wrong other than a clean,
/// named refusal: an error of an unexpected type, or one that does not name the file. A trap would end the process.
struct ReaderHarness: Sendable {
    let imageModel: ModelSpec
    let videoModel: ModelSpec

    init() throws {
        let catalog = try ModelCatalog(directory: Presets.directory.appendingPathComponent("models"))
        imageModel = try catalog.model("kling-o1-image-to-video")
        videoModel = try catalog.model("kling-o1-video-to-video-reference")
    }

    /// What each reader concluded: true when it accepted the file.
    struct Outcome: Sendable {
        var accepted: [String: Bool] = [:]
        var problems: [String] = []
    }

    func run(path: String, isImage: Bool) -> Outcome {
        var outcome = Outcome()
        func attempt(_ reader: String, _ body: () throws -> Void) {
            do {
                try body()
                outcome.accepted[reader] = true
            } catch let error as MediaError {
                outcome.accepted[reader] = false
                if error.path != path { outcome.problems.append("\(reader): MediaError without the file's name: \(error)") }
            } catch let error as SegmindError {
                outcome.accepted[reader] = false
                if !error.description.contains(path) { outcome.problems.append("\(reader): SegmindError without the file's name: \(error)") }
            } catch let error as MediaFormatError {
                outcome.accepted[reader] = false
                if error.description.isEmpty { outcome.problems.append("\(reader): empty MediaFormatError") }
            } catch {
                outcome.accepted[reader] = false
                outcome.problems.append("\(reader): unexpected error type \(type(of: error)): \(error)")
            }
        }
        // The pure-Swift readers.
        attempt("ContainerKind+MediaKind") {
            let head = try FileBytes(path: path).bytes(at: 0, length: ContainerKind.sniffLength)
            _ = ContainerKind(sniffing: head)
            _ = MediaKind(sniffing: head.prefix(16))
        }
        attempt("ImageDimensions") { _ = try ImageDimensions.read(from: try FileBytes(path: path))?.check() }
        attempt("ISOMovie") { _ = try ISOMovie(from: try FileBytes(path: path)) }
        // Segmind.
        attempt("HeaderMediaInspector") { _ = try HeaderMediaInspector().inspect(path: path) }
        attempt("DecodingMediaInspector") { _ = try DecodingMediaInspector().inspect(path: path) }
        for inspector in [HeaderMediaInspector() as any MediaInspector, DecodingMediaInspector()] {
            attempt("RequestValidator(\(type(of: inspector)))") {
                let input =
                    isImage ? LocalInput(parameter: "start_image_url", path: path) : LocalInput(parameter: "video_url", path: path)
                _ = try RequestValidator(inspector: inspector).validate(
                    model: isImage ? imageModel : videoModel, parameters: ["prompt": "a pan"], localInputs: [input])
            }
        }
        // MediaKit (FFmpeg behind it).
        attempt("MediaProbe") { _ = try MediaProbe.probe(path) }
        attempt("FrameExtractor.first") { _ = try FrameExtractor.extract(from: path, .first) }
        attempt("FrameExtractor.last") { _ = try FrameExtractor.extract(from: path, .last) }
        attempt("Verifier(decode)") { _ = try Verifier.verify(path, VerificationRequest(decode: true)) }
        if isImage { attempt("ImageFile.read") { _ = try ImageFile.read(path) } }
        return outcome
    }
}
