import CFFmpeg

/// Settings for `MediaProbe.probe`.
public struct ProbeOptions: Sendable, Equatable {
    /// Images and video frames with more pixels than this are flagged and never decoded (nor allocated).
    public var pixelLimit: Int

    /// Creates options; the default pixel limit is `MediaProbe.defaultPixelLimit`.
    public init(pixelLimit: Int = MediaProbe.defaultPixelLimit) {
        self.pixelLimit = pixelLimit
    }
}

/// Describes media files: container, streams, exact frame counts, and whether the file is whole and decodable.
///
/// MP4/MOV files are read from their header and sample index (no packet is read except the few needed to
/// decode the first frame and find the last timestamp). Other containers (Matroska/WebM, fragmented MP4) are
/// demuxed once to count packets. Images are checked against the pixel limit before they are decoded.
///
/// Fields mean what ffprobe 5.1 (`-show_streams -show_format -count_frames`) means, except:
/// - `has_b_frames` is a Bool (`video_delay > 0`); ffprobe's number of the same name is `video_delay`.
/// - `frame_rate` is ffprobe's `avg_frame_rate`; `r_frame_rate` is kept under its own name.
/// - Unknown values are `nil` (JSON `null`) where ffprobe prints -99 (`level`), "[0][0][0][0]" (`codec_tag`)
///   or leaves the key out (colour fields, `channel_layout`).
/// - A stream whose container records no duration (Matroska) gets one computed from its packets
///   (`duration_from_packets`); ffprobe prints none.
/// - `frame_count` counts packets that are shown (not hidden by an edit list), which is ffprobe's
///   `nb_read_frames` as long as every such packet decodes to one frame; for a truncated file it counts the
///   frames whose bytes are present.
/// - `keyframe_count` counts key packets, including a key frame an edit list hides (ffprobe's packet `K` flags).
public enum MediaProbe {
    /// The default pixel limit: 16384 x 16384 (about what FFmpeg itself accepts for one picture).
    public static let defaultPixelLimit = 16384 * 16384

    /// Probes one file.
    ///
    /// A file that opens but is cut short or does not decode is returned with `truncated`, `decodable` and
    /// `problems` set (see `MediaInfo.healthError`); it is not thrown.
    /// - Throws: `MediaError` when the file cannot be read as media at all: `.fileNotFound`, `.notARegularFile`,
    ///   `.emptyFile`, `.unrecognizedFormat` (random bytes, text, an image header declaring an impossible size),
    ///   `.truncated` (an MP4 whose index was cut off).
    public static func probe(_ path: String, options: ProbeOptions = ProbeOptions()) throws -> MediaInfo {
        try ProbeRun(container: try open(path), options: options).probe()
    }

    /// Opens `path` for probing; an image header declaring an impossible size is refused first, and an MP4 that
    /// FFmpeg refuses is explained from its boxes when possible (a moov box cut off reads as `.truncated`, not as an
    /// unrecognized format).
    static func open(_ path: String) throws -> InputContainer {
        try ImageHeader.checkDimensions(path: path)
        do {
            return try InputContainer(path: path)
        } catch MediaError.unrecognizedFormat(let p, let reason) {
            let size = (try? MediaFile.checkReadable(path)) ?? 0
            if let better = FileHeaders.mp4OpenFailure(path: path, fileSize: size) { throw better }
            throw MediaError.unrecognizedFormat(path: p, reason: reason)
        }
    }
}
