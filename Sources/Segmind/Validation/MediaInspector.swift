import Foundation
import MediaFormat

/// What an inspector learned about a media file.
public struct MediaFacts: Sendable, Equatable {
    /// Video or image.
    public var kind: OutputKind
    /// "png", "jpeg", "mp4" or "mov".
    public var format: String
    /// Width in pixels (display size of the video track, or the image).
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Duration in seconds (videos).
    public var durationSeconds: Double?
    /// Average frame rate (videos).
    public var framesPerSecond: Double?
    /// File size in bytes.
    public var byteCount: Int64

    /// Creates facts.
    public init(
        kind: OutputKind, format: String, width: Int, height: Int, durationSeconds: Double? = nil, framesPerSecond: Double? = nil,
        byteCount: Int64
    ) {
        self.kind = kind
        self.format = format
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
        self.framesPerSecond = framesPerSecond
        self.byteCount = byteCount
    }
}

/// Reads the facts the client needs about a local or downloaded media file.
///
/// Inject another implementation (one backed by MediaKit's probe, or a fake in tests) where needed.
public protocol MediaInspector: Sendable {
    /// Describes the file at `path`.
    ///
    /// - Throws: `SegmindError.badMedia` naming the file when it is missing or not a PNG, JPEG, MP4 or MOV.
    func inspect(path: String) throws -> MediaFacts
}

/// An inspector that reads container headers with `MediaFormat`: PNG `IHDR`, JPEG `SOFn`, and the
/// ISO-BMFF (MP4/MOV) boxes `ftyp`, `mvhd`, `tkhd`, `mdhd`, `hdlr` and `stts` of the video track.
///
/// It does not decode pictures: it proves the file is a well-formed container of the expected kind
/// with a plausible size, duration and frame rate. Every size read from the file is checked, so a hostile
/// header is refused by name, never a crash.
public struct HeaderMediaInspector: MediaInspector {
    /// Creates the inspector.
    public init() {}

    /// Describes the file at `path` from its headers.
    ///
    /// - Throws: `SegmindError.badMedia` naming the file: missing, a directory, empty, not a PNG, JPEG, MP4 or MOV,
    ///   or a header `MediaFormat` refuses (a box past the end, a zero or absurd picture size, no moov or mdat).
    public func inspect(path: String) throws -> MediaFacts {
        func bad(_ message: String) -> SegmindError { .badMedia(path: path, message: message) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw bad("no such file") }
        if isDirectory.boolValue { throw bad("is a directory, not a file") }
        guard let file = try? FileBytes(path: path) else { throw bad("cannot be opened for reading") }
        if file.count == 0 { throw bad("file is empty") }
        do {
            switch ContainerKind(sniffing: try file.bytes(at: 0, length: ContainerKind.sniffLength)) {
            case .png?, .jpeg?:
                guard let image = try ImageDimensions.read(from: file) else { break }
                try image.check()
                return MediaFacts(kind: .image, format: image.kind.rawValue, width: image.width, height: image.height, byteCount: file.count)
            case .mp4?, .mov?:
                let movie = try ISOMovie(from: file)
                guard let track = movie.videoTrack else { throw bad("no video track") }
                guard track.width > 0, track.height > 0 else { throw bad("video track without a frame size") }
                return MediaFacts(
                    kind: .video, format: movie.isQuickTime ? "mov" : "mp4", width: track.width, height: track.height,
                    durationSeconds: track.durationSeconds ?? movie.durationSeconds, framesPerSecond: track.framesPerSecond,
                    byteCount: file.count)
            default:
                break
            }
        } catch let error as MediaFormatError {
            throw bad(error.description)
        }
        throw bad("not a PNG, JPEG, MP4 or MOV file")
    }
}
