import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegmindCatalog

/// Segmind's storage: `POST /upload-asset` takes base64 data URLs and answers the URLs they are served at.
extension SimulatorService {
    /// Decodes every data URL of `{"data_urls": [...]}`, stores each under `/assets/<random id>/file.<ext>`, and answers
    /// the URLs in the configured shape; 400 names a URL that is not a base64 data URL, 413 when the decoded total is
    /// above the limit. Nothing is stored unless every URL is good.
    func upload(_ request: Request) async -> Reply {
        if let denied = authenticationFailure(request) { return .respond(denied, fault: nil) }
        let limit = configuration.maxUploadBytes
        let tooLarge = Reply.respond(.error(413, "Payload too large: at most \(limit >> 20) MB of files per upload"), fault: nil)
        let bytes: [UInt8]
        do {
            var buffer = try await request.body.collect(upTo: limit / 3 * 4 + (4 << 20))
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            return tooLarge
        } catch {
            return .respond(.error(400, "Could not read the request body: \(error)"), fault: nil)
        }
        guard case .object(let body)? = JSONValue.parse(bytes), case .array(let items)? = body["data_urls"], !items.isEmpty else {
            return .respond(.error(400, #"The body must be {"data_urls": ["data:<mime>;base64,...", ...]}"#), fault: nil)
        }
        var decoded: [DataURL] = []
        var total = 0
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                return .respond(.error(400, "data_urls[\(index)] is not a string"), fault: nil)
            }
            do {
                let url = try DataURL(parsing: text)
                total += url.bytes.count
                guard total <= limit else { return tooLarge }
                decoded.append(url)
            } catch {
                return .respond(.error(400, "data_urls[\(index)]: \(error.message)"), fault: nil)
            }
        }
        let base = await state.baseURL
        var urls: [JSONValue] = []
        for url in decoded {
            do {
                let file = try store(url)
                await state.storeAsset(file)
                urls.append(.string("\(base)/assets/\(file.id)/\(file.name)"))
            } catch {
                return .respond(.error(500, "Could not store the upload: \(error)"), fault: nil)
            }
        }
        var answer: [String: JSONValue] = [configuration.uploadAnswer.key: .array(urls)]
        if configuration.uploadAnswer == .fileURLs { answer["message"] = "Files uploaded successfully" }
        return .respond(.json(200, .object(answer)), fault: nil)
    }

    /// Serves a stored upload with the media type it was uploaded as.
    func asset(id: String, name: String) async -> Reply {
        guard let file = await state.asset(id), file.name == name, let data = FileManager.default.contents(atPath: file.path) else {
            return .respond(.error(404, "File not found"), fault: nil)
        }
        return .respond(.bytes(data, contentType: file.contentType), fault: nil)
    }

    /// Writes one decoded upload under the assets folder.
    private func store(_ url: DataURL) throws -> OutputFile {
        let id = UUID().uuidString.lowercased()
        let name = "file.\(url.fileExtension)"
        let folder = assetsDirectory.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(url.bytes).write(to: URL(fileURLWithPath: path))
        return OutputFile(id: id, name: name, path: path, contentType: url.mimeType, size: url.bytes.count)
    }
}
