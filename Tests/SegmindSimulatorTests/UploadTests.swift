import Foundation
import MediaTestSupport
import NIOHTTP1
import SegmindSimulator
import Testing

/// `{"data_urls": [...]}` for the given data URLs.
func uploadBody(_ dataURLs: [String]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: ["data_urls": dataURLs])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// A data URL carrying `bytes` as `mime`.
func dataURL(_ mime: String, _ bytes: [UInt8]) -> String { "data:\(mime);base64,\(Data(bytes).base64EncodedString())" }

@Suite("Storage upload")
struct UploadTests {
    @Test("POST /upload-asset stores each data URL and serves the same bytes with its content type")
    func roundTrip() async throws {
        let dir = TestCorpus.shared.scratchDirectory("sim-upload")
        let png = dir.appendingPathComponent("frame.png")
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", png.path])
        let pngBytes = [UInt8](try Data(contentsOf: png))
        let other: [UInt8] = Array(0..<255) + [255]
        try await withSimulator { sim in
            let reply = try await call(
                .POST, "\(sim.baseURL)/upload-asset", json: uploadBody([dataURL("image/png", pngBytes), dataURL("video/mp4", other)]))
            #expect(reply.status == 200, "\(reply.text)")
            let json = try #require(reply.json)
            #expect(json["message"] as? String == "Files uploaded successfully")
            let urls = try #require(json["file_urls"] as? [String])
            #expect(urls.count == 2)
            #expect(await sim.uploadCount() == 2)
            let first = try #require(urls.first), second = try #require(urls.last)
            #expect(first.hasPrefix("\(sim.baseURL)/assets/") && first.hasSuffix(".png"), "\(first)")
            #expect(second.hasSuffix(".mp4"), "\(second)")
            #expect(first.split(separator: "/").dropLast().last != second.split(separator: "/").dropLast().last, "random ids differ")
            let served = try await call(.GET, first, key: nil)
            #expect(served.status == 200)
            #expect(served.body == pngBytes)
            #expect(served.header("content-type") == "image/png")
            let video = try await call(.GET, second, key: nil)
            #expect(video.body == other && video.header("content-type") == "video/mp4")
            // The job input fetcher fetches an uploaded asset like any other URL.
            let submit = try await call(.POST, "\(sim.baseURL)/v1/kling-o1-image-to-video", json: #"{"prompt":"x","start_image_url":"\#(first)"}"#)
            #expect(submit.status == 200, "\(submit.text)")
            #expect(submit.header("content-type") == "video/mp4")
            #expect(await sim.failedFetches().isEmpty)
            #expect(try await call(.GET, "\(sim.baseURL)/assets/nope/file.png", key: nil).status == 404)
        }
    }

    @Test("uploadAnswer .urls answers the docs page's {\"urls\": [...]} shape")
    func urlsShape() async throws {
        try await withSimulator(SimulatorConfiguration(scale: 0.125, uploadAnswer: .urls)) { sim in
            let reply = try await call(.POST, "\(sim.baseURL)/upload-asset", json: uploadBody([dataURL("image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0])]))
            #expect(reply.status == 200)
            let json = try #require(reply.json)
            #expect(json["file_urls"] == nil && json["message"] == nil)
            let url = try #require((json["urls"] as? [String])?.first)
            #expect(url.hasSuffix(".jpg"))
            let served = try await call(.GET, url, key: nil)
            #expect(served.body == [0xFF, 0xD8, 0xFF, 0xE0] && served.header("content-type") == "image/jpeg")
        }
    }

    @Test("400 names a bad data URL, 413 above the decoded limit, 401 without a key; nothing is stored")
    func refusals() async throws {
        try await withSimulator(SimulatorConfiguration(scale: 0.125, apiKey: "test-key", maxUploadBytes: 1000)) { sim in
            let upload = "\(sim.baseURL)/upload-asset"
            let good = dataURL("image/png", [1, 2, 3])
            let badBase64 = try await call(.POST, upload, json: uploadBody([good, "data:image/png;base64,@@not base64@@"]))
            #expect(badBase64.status == 400)
            let message = badBase64.json?["error"] as? String ?? ""
            #expect(message.contains("data_urls[1]") && message.contains("base64") && message.contains("data:image/png;base64,@@"), "\(message)")
            let notData = try await call(.POST, upload, json: uploadBody(["https://example.com/a.png"]))
            #expect(notData.status == 400)
            #expect((notData.json?["error"] as? String ?? "").contains("'https://example.com/a.png' is not a data URL"))
            let notBody = try await call(.POST, upload, json: #"{"files": []}"#)
            #expect(notBody.status == 400)
            let large = try await call(
                .POST, upload,
                json: uploadBody([dataURL("video/mp4", [UInt8](repeating: 7, count: 600)), dataURL("video/mp4", [UInt8](repeating: 7, count: 600))]))
            #expect(large.status == 413, "\(large.text)")
            let atLimit = try await call(.POST, upload, json: uploadBody([dataURL("video/mp4", [UInt8](repeating: 7, count: 1000))]))
            #expect(atLimit.status == 200, "exactly the limit is accepted")
            #expect(try await call(.POST, upload, key: nil, json: uploadBody([good])).status == 401)
            #expect(try await call(.POST, upload, key: "wrong", json: uploadBody([good])).status == 401)
            #expect(try await call(.GET, upload).status == 405)
            #expect(await sim.uploadCount() == 1, "only the accepted upload is stored")
        }
    }
}
