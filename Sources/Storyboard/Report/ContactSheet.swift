import MediaKit

/// A contact sheet: one row per shot, its first frame on the left and its last on the right.
public enum ContactSheet {
    /// Pixels between and around thumbnails.
    public static let gap = 8

    /// Lays out `rows` (pairs of pictures) as thumbnails of `width` x `height` (aspect kept, letterboxed)
    /// on a dark grey sheet.
    ///
    /// - Throws: `MediaError` when a picture cannot be scaled.
    public static func make(_ rows: [(first: PixelImage, last: PixelImage)], width: Int = 320, height: Int = 180) throws -> PixelImage {
        let sheetWidth = 2 * width + 3 * gap
        let sheetHeight = max(1, rows.count) * (height + gap) + gap
        var sheet = PixelImage(width: sheetWidth, height: sheetHeight, red: 40, green: 40, blue: 40)
        for (r, row) in rows.enumerated() {
            for (c, picture) in [row.first, row.last].enumerated() {
                let thumb = try picture.droppingAlpha().resized(width: width, height: height, mode: .fit)
                let x0 = gap + c * (width + gap)
                let y0 = gap + r * (height + gap)
                for y in 0..<height {
                    let src = y * width * 3
                    let dst = ((y0 + y) * sheetWidth + x0) * 3
                    sheet.pixels.replaceSubrange(dst..<(dst + width * 3), with: thumb.pixels[src..<(src + width * 3)])
                }
            }
        }
        return sheet
    }
}
