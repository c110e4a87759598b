import ArgumentParser
import Foundation
import MediaKit

extension Shotchain {
    /// `shotchain frame`: writes one exact displayed frame of a video (or an image) as PNG, JPEG or WebP.
    struct Frame: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one exact displayed frame of a video to a PNG, JPEG or WebP file.",
            discussion: """
                The frame is the one a player shows: edit lists, B-frame order, rotation, non-square \
                pixels and the colour matrix are all honoured. --index counts displayed frames from 0; \
                --at S takes the frame on screen S seconds after the first one. The output type follows \
                the extension of -o; the file appears only when complete.

                \(ExitStatus.helpText)
                """
        )

        @Argument(help: "The video (or image) file.")
        var file: String

        @Flag(help: "The last displayed frame.")
        var last = false

        @Flag(help: "The first displayed frame.")
        var first = false

        @Option(name: .customLong("at"), help: ArgumentHelp("The frame on screen this many seconds after the first.", valueName: "seconds"))
        var at: Double?

        @Option(help: ArgumentHelp("The displayed frame with this zero-based index.", valueName: "n"))
        var index: Int?

        @Option(
            name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The image to write (.png, .jpg, .jpeg, .webp).", valueName: "file"))
        var output: String

        @Option(help: ArgumentHelp("JPEG/WebP quality, 1-100.", valueName: "q"))
        var quality: Int?

        @Option(name: .customLong("pixel-limit"), help: ArgumentHelp("Refuse pictures with more pixels than this.", valueName: "pixels"))
        var pixelLimit: Int = 100_000_000

        @Flag(help: "Print a JSON description of the frame.")
        var json = false

        func validate() throws {
            let count = [last, first, at != nil, index != nil].filter { $0 }.count
            guard count == 1 else { throw ValidationError("give exactly one of --last, --first, --at or --index") }
            if let at, !(at >= 0 && at.isFinite) { throw ValidationError("--at must be a number of seconds >= 0") }
            if let index, index < 0 { throw ValidationError("--index must be >= 0") }
            if let quality, !(1...100).contains(quality) { throw ValidationError("--quality must be between 1 and 100") }
            if pixelLimit <= 0 { throw ValidationError("--pixel-limit must be positive") }
        }

        var selector: FrameSelector {
            if last { return .last }
            if first { return .first }
            if let at { return .time(at) }
            return .index(index ?? 0)
        }

        func run() async throws {
            try await reportingErrors {
                let options = FrameOptions(pixelLimit: pixelLimit, quality: quality)
                let frame = try FrameExtractor.extractToFile(from: file, selector, to: output, options: options)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(frame.report(output: output)), as: UTF8.self))
                } else {
                    let index = frame.index.map { "frame \($0)" } ?? "frame"
                    print("\(output): \(index) at \(frame.time) s, \(frame.image.width)x\(frame.image.height)")
                }
            }
        }
    }
}
