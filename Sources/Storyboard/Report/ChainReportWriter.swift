import Foundation
import MediaKit

/// Writes a finished run's report into the out folder: `report.json`, `report.md` and `contact-sheet.png`.
///
/// Everything it reads comes from the shots' outcomes and the frames they wrote; it never touches the journal, so a
/// report that cannot be written is a report error and the shots stay done.
struct ChainReportWriter {
    /// The out folder.
    var options: ChainOptions

    /// The PSNR of the frames that meet at each seam of consecutive video shots: the picture the earlier one hands on
    /// (its last frame, colour-matched when asked) against the later one's first frame.
    func seams(_ videos: [ShotOutcome]) -> [SeamOutcome] {
        zip(videos, videos.dropFirst()).map { a, b in
            let psnr = try? ImageFile.read(options.path(a.seedFrame ?? a.lastFrame)).psnr(ImageFile.read(options.path(b.firstFrame)))
            return SeamOutcome(from: a.id, to: b.id, psnr: psnr ?? nil)
        }
    }

    /// Writes the contact sheet, `report.json` and `report.md`.
    ///
    /// - Throws: `StoryboardError.report` naming the file that could not be written.
    func write(_ report: ChainReport) throws {
        let sheet = options.path("contact-sheet.png")
        do {
            let rows = try report.shots.map {
                (first: try ImageFile.read(options.path($0.firstFrame)), last: try ImageFile.read(options.path($0.lastFrame)))
            }
            try ImageFile.write(try ContactSheet.make(rows), to: sheet)
        } catch {
            throw StoryboardError.report(path: sheet, message: "cannot write the contact sheet (\(error))")
        }
        let json = options.path("report.json")
        let markdown = options.path("report.md")
        do {
            try Durability.write(Self.encoder.encode(report), to: json)
            try Durability.write(Data(ReportMarkdown.render(report).utf8), to: markdown)
            try Durability.write(Data(ReportHTML.render(report, outDirectory: options.outDirectory).utf8), to: options.path("report.html"))
        } catch let error as StoryboardError {
            throw error
        } catch {
            throw StoryboardError.report(path: options.outDirectory, message: "cannot write the report (\((error as NSError).localizedDescription))")
        }
    }

    /// The encoder of `report.json` and `chain --json`: sorted snake_case keys, infinite PSNR as `"inf"`.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}
