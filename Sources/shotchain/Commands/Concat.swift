import ArgumentParser
import Foundation
import MediaKit
import Presets

extension Shotchain {
    /// `shotchain concat SEGMENT... -o OUT.mp4`: joins segments, stream-copying video where safe.
    struct Concat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join video segments into one MP4, stream-copying video where it is safe.",
            discussion: """
                Video is stream-copied when every segment matches the first (codec, parameter sets, size, \
                profile, level, colour, SAR, rotation, B-frames, frame rate, closed-GOP start). Otherwise \
                (--reencode auto) all video is re-encoded with one encoder at the first segment's size and \
                frame rate, or --preset's settings. --seam drop-first removes the first frame of every \
                segment after the first and crossfade=N blends N frames per seam; both re-encode only the \
                GOPs at the seams when the segments are compatible H.264, and everything otherwise. Audio follows \
                each segment's video (silence where a segment has none): AAC packets are copied and only the \
                frames at the seams re-encoded, or, when the segments' audio formats differ, all of it is \
                re-encoded once as AAC (the reason is in --json). The output is re-probed (frame count, durations) before it appears under its name.

                \(ExitStatus.helpText)
                """
        )

        @Argument(help: "The segments, in order (MP4/MOV).")
        var segments: [String]

        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The MP4 to write.", valueName: "file"))
        var output: String

        @Option(help: ArgumentHelp("keep, drop-first or crossfade=FRAMES.", valueName: "policy"))
        var seam: String = "keep"

        @Option(help: ArgumentHelp("auto, never or always.", valueName: "when"))
        var reencode: String = "auto"

        @Option(help: ArgumentHelp("An encode preset: a name in presets/encode or a JSON file.", valueName: "name"))
        var preset: String?

        @Flag(help: "Print the report as JSON.")
        var json = false

        func validate() throws {
            if SeamPolicy(argument: seam) == nil {
                throw ValidationError("--seam must be keep, drop-first or crossfade=N with N >= 1, got \"\(seam)\"")
            }
            if ReencodePolicy(rawValue: reencode) == nil {
                throw ValidationError("--reencode must be auto, never or always, got \"\(reencode)\"")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var presetURL: URL?
                var presetCopy: URL?
                defer { if let presetCopy { try? FileManager.default.removeItem(at: presetCopy) } }
                if let preset {
                    if preset.hasSuffix(".json") || preset.contains("/") {
                        presetURL = URL(fileURLWithPath: preset)
                    } else {
                        guard let copy = try Presets.temporaryCopy(of: "encode/\(preset).json") else {
                            let known = Presets.files(under: "encode").map { $0.name.replacingOccurrences(of: ".json", with: "") }
                            throw MediaError.invalidArgument(
                                "--preset: no built-in encode preset named \"\(preset)\" (known: \(known.joined(separator: ", ")))")
                        }
                        (presetURL, presetCopy) = (copy.file, copy.folder)
                    }
                }
                let options = ConcatOptions(seam: SeamPolicy(argument: seam)!, reencode: ReencodePolicy(rawValue: reencode)!, preset: presetURL)
                let report = try Concatenator.concatenate(segments, to: output, options: options)
                print(json ? try report.json() : report.summary(), terminator: "")
            }
        }
    }
}
