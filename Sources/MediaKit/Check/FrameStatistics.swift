/// A few numbers about one displayed frame, measured on a sparse grid of the decoded planes (about 4000 points
/// whatever the size), for spotting black, frozen or flashing frames without converting pictures to RGB.
///
/// Every value is a fraction of full scale (0...1):
/// - `meanLuma` is the mean luma code value (Y) over the top code value (255 for 8 bits, 1023 for 10 bits), as stored:
///   limited-range ("tv") black reads about 16/255 = 0.063 and white about 235/255 = 0.92; full-range ("pc") black
///   reads 0. For an RGB stream it is the BT.601 weighted sum 0.299 R + 0.587 G + 0.114 B of the code values.
/// - `meanRed`, `meanGreen`, `meanBlue` are the display colour: the mean Y, Cb and Cr converted with the frame's own
///   matrix (BT.601 when unspecified, BT.709, BT.2020) and range, so black is 0 and white 1 in either range. As the
///   conversion is linear this is the mean of the converted pixels, except where pixels would clip.
/// - `lumaDifference` is the mean absolute difference of luma to the previous displayed frame on the same grid,
///   over the top code value: 0 for a repeated (frozen) picture, and 0 for the first frame.
/// - `lab` is the mean CIELAB colour of the grid points, each point converted with the frame's matrix and range
///   (as the display colour) and then to Lab (within 0.05 of the exact conversion of the same points).
/// - `darkFraction` is the share of grid points at or under 10% luma, blackdetect's `pixel_black_th=0.10` over the
///   frame's range: code value 37 at 8 bits in limited range (16 + 0.10 x 219), 25 in full range or for RGB.
///
/// JSON keys: `seconds`, `mean_luma`, `mean_red`, `mean_green`, `mean_blue`, `luma_difference`, `lab`, `dark_fraction`.
public struct FrameStatistics: Sendable, Equatable, Codable {
    /// The presentation time in seconds (the frame's timestamp times the stream time base).
    public var seconds: Double
    /// Mean luma code value over the top code value (limited-range black is about 0.063).
    public var meanLuma: Double
    /// Mean red, 0...1.
    public var meanRed: Double
    /// Mean green, 0...1.
    public var meanGreen: Double
    /// Mean blue, 0...1.
    public var meanBlue: Double
    /// Mean absolute luma difference to the previous frame, over the top code value; 0 for the first frame.
    public var lumaDifference: Double
    /// The mean CIELAB colour of the grid points.
    public var lab: Lab
    /// The share of grid points at or under 10% luma (0...1).
    public var darkFraction: Double

    /// Statistics from their parts (normally measured by `ShotCheck`).
    public init(
        seconds: Double, meanLuma: Double, meanRed: Double, meanGreen: Double, meanBlue: Double, lumaDifference: Double,
        lab: Lab = Lab(l: 0, a: 0, b: 0), darkFraction: Double = 0
    ) {
        (self.seconds, self.meanLuma, self.lumaDifference, self.lab, self.darkFraction) = (seconds, meanLuma, lumaDifference, lab, darkFraction)
        (self.meanRed, self.meanGreen, self.meanBlue) = (meanRed, meanGreen, meanBlue)
    }

    enum CodingKeys: String, CodingKey {
        case seconds, lab, meanLuma = "mean_luma", lumaDifference = "luma_difference", darkFraction = "dark_fraction"
        case meanRed = "mean_red", meanGreen = "mean_green", meanBlue = "mean_blue"
    }
}
