import Foundation
import MediaKit

/// Small PNG copies of a run's frames, inlined in `report.html` as data URIs so the page needs no other file for them.
enum ReportThumbnail {
    /// The picture at `path` scaled to `width` pixels wide (never enlarged; the height keeps the aspect ratio), as a
    /// `data:image/png;base64,...` URI; nil when the picture cannot be read or scaled.
    static func dataURI(_ path: String, width: Int = 320) -> String? {
        guard let image = try? ImageFile.read(path), image.width > 0, image.height > 0 else { return nil }
        let w = min(width, image.width)
        let h = max(1, Int((Double(image.height) * Double(w) / Double(image.width)).rounded()))
        let small = w == image.width ? image : (try? image.resized(width: w, height: h, mode: .stretch))
        guard let small else { return nil }
        guard let bytes = try? ImageFile.pngBytes(small.droppingAlpha()) else { return nil }
        return "data:image/png;base64," + Data(bytes).base64EncodedString()
    }
}
