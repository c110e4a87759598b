extension LabStatistics {
    /// The statistics of a decoded frame's display colours (its samples converted with its own matrix and range,
    /// as `FrameStatistics.lab`), measured in place on a grid of about `points` points; nil when the grid cannot
    /// read its pixel format (`FrameGrid`).
    ///
    /// This is the exact conversion of the samples: swscale's default YUV to RGB path (the one `ffmpeg` and
    /// `PictureConverter` use for 4:2:0) rounds coarsely, and its pictures measure up to about 0.8 in L lower.
    static func measure(_ frame: Frame, points: Int = 16384) -> LabStatistics? {
        guard let grid = FrameGrid(frame, points: points) else { return nil }
        let lookup = LabLookup.shared
        var colours: [Lab] = []
        colours.reserveCapacity(grid.points)
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                let (a, b, c) = grid.codes(column: column, row: row)
                let rgb = grid.rgb(a, b, c)
                let lab = lookup.lab(red: rgb.0, green: rgb.1, blue: rgb.2)
                colours.append(Lab(l: lab.l, a: lab.a, b: lab.b))
            }
        }
        return of(colours)
    }
}
