import AsyncHTTPClient
import Foundation
import NIOCore

/// What an input URL turned out to hold.
enum InputMedia: Sendable {
    case image(format: String, bytes: [UInt8])
    case video(container: String, bytes: [UInt8])
}

/// Why an input could not be used; the message becomes the FAILED job's `error`.
struct InputProblem: Error, Sendable {
    var message: String
}

/// Fetches input URLs over HTTP, as Segmind's servers do, and checks that each holds an image or a video.
struct InputFetcher: Sendable {
    var client: HTTPClient
    var timeout: TimeAmount
    /// Sizes used when the model's catalog file gives none: images up to 10 MB, reference videos up to 200 MB.
    var maxImageBytes = 10 << 20
    var maxVideoBytes = 200 << 20

    /// Downloads `url` (named by `parameter` in errors) and classifies it by its leading bytes; `maxBytes` is the
    /// model's limit for this kind of input, when its catalog file has one.
    func fetch(_ url: String, parameter: String, expectVideo: Bool, maxBytes: Int64? = nil) async throws(InputProblem) -> InputMedia {
        let limit = maxBytes.map { Int(clamping: max($0, 1)) } ?? (expectVideo ? maxVideoBytes : maxImageBytes)
        let bytes: [UInt8]
        do {
            let request = HTTPClientRequest(url: url)
            let response = try await client.execute(request, timeout: timeout)
            guard response.status.code == 200 else {
                throw InputProblem(message: "\(parameter): \(url) answered HTTP \(response.status.code)")
            }
            var buffer = try await response.body.collect(upTo: limit)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let problem as InputProblem {
            throw problem
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw InputProblem(message: "\(parameter): \(url) is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit) bytes")")
        } catch {
            throw InputProblem(message: "\(parameter): could not fetch \(url) (\(error))")
        }
        guard let media = Self.classify(bytes) else {
            throw InputProblem(message: "\(parameter): \(url) is not an image or a video")
        }
        switch (media, expectVideo) {
        case (.image, true): throw InputProblem(message: "\(parameter): \(url) is an image, a video is required")
        case (.video, false): throw InputProblem(message: "\(parameter): \(url) is a video, an image is required")
        default: return media
        }
    }

    /// Recognises PNG, JPEG and WebP images and MP4/MOV/WebM videos by their signatures.
    static func classify(_ b: [UInt8]) -> InputMedia? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .image(format: "png", bytes: b) }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return .image(format: "jpg", bytes: b) }
        if b.count >= 12 && b.starts(with: Array("RIFF".utf8)) && Array(b[8..<12]) == Array("WEBP".utf8) {
            return .image(format: "webp", bytes: b)
        }
        if b.count >= 12 && Array(b[4..<8]) == Array("ftyp".utf8) {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            return .video(container: brand == "qt  " ? "mov" : "mp4", bytes: b)
        }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .video(container: "webm", bytes: b) }
        return nil
    }
}
