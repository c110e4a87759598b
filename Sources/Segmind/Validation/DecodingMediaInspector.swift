import MediaKit

/// An inspector that reads the container headers (`HeaderMediaInspector`) and then decodes with MediaKit:
/// the whole picture for an image, the first and the last displayed frame for a video.
///
/// A file that passes is a complete, decodable video or image. The client uses it for downloads.
public struct DecodingMediaInspector: MediaInspector {
    private let headers = HeaderMediaInspector()

    /// Creates the inspector.
    public init() {}

    /// Describes the file at `path` from its headers, then decodes it.
    ///
    /// - Throws: `SegmindError.badMedia` naming the file, for a header refused as by `HeaderMediaInspector` or a
    ///   picture that does not decode.
    public func inspect(path: String) throws -> MediaFacts {
        let facts = try headers.inspect(path: path)
        do {
            switch facts.kind {
            case .image:
                _ = try ImageFile.read(path)
            case .video:
                _ = try FrameExtractor.extract(from: path, .first)
                _ = try FrameExtractor.extract(from: path, .last)
            }
        } catch let error as MediaError {
            throw SegmindError.badMedia(path: path, message: "cannot be decoded: \(error.description)")
        }
        return facts
    }
}
