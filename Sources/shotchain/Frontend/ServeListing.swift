import Foundation
import FrameServer

/// What `serve --json` prints: where the files are served and each file's URL.
struct ServeListing: Encodable {
    /// One published file.
    struct Entry: Encodable {
        var file: String
        var url: String
    }

    var baseURL: String
    var localURL: String
    var files: [Entry]

    enum CodingKeys: String, CodingKey {
        case files
        case baseURL = "base_url"
        case localURL = "local_url"
    }

    init(server: FrameServer, files: [PublishedFile]) {
        baseURL = server.baseURL.absoluteString
        localURL = server.localBaseURL.absoluteString
        self.files = files.map { Entry(file: ($0.path as NSString).lastPathComponent, url: $0.url.absoluteString) }
    }
}
