import AsyncHTTPClient
import Foundation
import MediaTestSupport
import NIOHTTP1
import Testing

@testable import FrameServer

/// Every header rule, over real HTTP on loopback, for both the in-memory and the read-from-disk paths.
@Suite struct HeaderTests {
    /// A published 100 000-byte file and its bytes.
    struct Published {
        let scratch: Scratch
        let server: FrameServer
        let bytes: [UInt8]
        let url: String
        let path: String
    }

    static func publish(cache: Bool, size: Int = 100_000) async throws -> Published {
        let scratch = try Scratch()
        let bytes = pngLikeBytes(size)
        let path = try scratch.write("frame 0001.png", bytes)
        let server = try await startServer(cache: cache)
        let url = try await server.publish(path)
        return Published(scratch: scratch, server: server, bytes: bytes, url: url.absoluteString, path: path)
    }

    static func finish(_ published: Published) async {
        await published.server.stop()
        published.scratch.remove()
    }

    @Test(arguments: [true, false])
    func getServesTheExactBytesWithItsHeaders(cache: Bool) async throws {
        let published = try await Self.publish(cache: cache)
        defer { published.scratch.remove() }
        let response = try await Fetch.request(published.url)
        #expect(response.status == 200)
        #expect(response.body == published.bytes)
        #expect(response.header("Content-Type") == "image/png")
        #expect(response.header("Content-Length") == "100000")
        #expect(response.header("Accept-Ranges") == "bytes")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        let etag = try #require(response.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 4)
        // Last-Modified is the file's mtime, formatted independently here with Foundation.
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: published.path)[.modificationDate] as? Date)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(response.header("Last-Modified") == formatter.string(from: modified))
        // The URL name is the file name made URL-safe; the token is 32 hex digits.
        let (token, name) = tokenAndName(try #require(URL(string: published.url)))
        #expect(name == "frame_0001.png")
        #expect(token.count == 32 && token.allSatisfy(\.isHexDigit))
        await Self.finish(published)
    }

    @Test(arguments: [true, false])
    func headHasTheGetHeadersAndNoBody(cache: Bool) async throws {
        let published = try await Self.publish(cache: cache)
        defer { published.scratch.remove() }
        let get = try await Fetch.request(published.url)
        let head = try await Fetch.request(published.url, method: .HEAD)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        for name in ["Content-Type", "Content-Length", "ETag", "Last-Modified", "Accept-Ranges"] {
            #expect(head.header(name) == get.header(name), "\(name)")
        }
        // On the wire: nothing follows the header block (a client could hide a body sent after HEAD).
        let path = try #require(URL(string: published.url)).path
        let raw = try await rawExchange(port: published.server.port, "HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(raw.status == 200)
        #expect(raw.text.lowercased().contains("content-length: 100000\r\n"))
        #expect(raw.body.isEmpty)
        await Self.finish(published)
    }

    @Test(arguments: [true, false])
    func ifNoneMatchAnswers304(cache: Bool) async throws {
        let published = try await Self.publish(cache: cache)
        defer { published.scratch.remove() }
        let first = try await Fetch.request(published.url)
        let etag = try #require(first.header("ETag"))
        for condition in [etag, "W/\(etag)", "\"nope\", \(etag)", "*"] {
            let response = try await Fetch.request(published.url, headers: [("If-None-Match", condition)])
            #expect(response.status == 304, "If-None-Match: \(condition)")
            #expect(response.body.isEmpty)
            #expect(response.header("ETag") == etag)
        }
        let head = try await Fetch.request(published.url, method: .HEAD, headers: [("If-None-Match", etag)])
        #expect(head.status == 304)
        let other = try await Fetch.request(published.url, headers: [("If-None-Match", "\"something-else\"")])
        #expect(other.status == 200)
        #expect(other.body == published.bytes)
        // If-Modified-Since is compared exactly with Last-Modified (as nginx does), and only without If-None-Match.
        let lastModified = try #require(first.header("Last-Modified"))
        #expect(try await Fetch.request(published.url, headers: [("If-Modified-Since", lastModified)]).status == 304)
        #expect(try await Fetch.request(published.url, headers: [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]).status == 200)
        let both = try await Fetch.request(
            published.url, headers: [("If-None-Match", "\"something-else\""), ("If-Modified-Since", lastModified)])
        #expect(both.status == 200)
        await Self.finish(published)
    }

    /// (Range header, expected status, expected byte range of the 100 000-byte file or nil for the whole file).
    static let rangeCases: [(String, Int, ClosedRange<Int>?)] = [
        ("bytes=0-0", 206, 0...0),
        ("bytes=0-9", 206, 0...9),
        ("bytes=1000-1999", 206, 1000...1999),
        ("bytes=99990-", 206, 99990...99999),
        ("bytes=99999-99999", 206, 99999...99999),
        ("bytes=-100", 206, 99900...99999),
        ("bytes=-1", 206, 99999...99999),
        ("bytes=-100000", 206, 0...99999),
        ("bytes=-250000", 206, 0...99999),
        ("bytes=50000-999999999", 206, 50000...99999),
        ("bytes=0-99999999999999999999999", 206, 0...99999),
        ("BYTES=10-19", 206, 10...19),
        ("bytes= 10-19 ", 206, 10...19),
        ("bytes=100000-", 416, nil),
        ("bytes=100000-100010", 416, nil),
        ("bytes=99999999999999999999-", 416, nil),
        ("bytes=-0", 416, nil),
        ("bytes=20-10", 200, nil),
        ("bytes=0-1,5-6", 200, nil),
        ("bytes=abc", 200, nil),
        ("bytes=-", 200, nil),
        ("bytes=1-2-3", 200, nil),
        ("items=0-10", 200, nil),
        ("bytes=+5-9", 200, nil),
    ]

    @Test(arguments: rangeCases)
    func rangeRequests(header: String, status: Int, range: ClosedRange<Int>?) async throws {
        for cache in [true, false] {
            let published = try await Self.publish(cache: cache)
            defer { published.scratch.remove() }
            let response = try await Fetch.request(published.url, headers: [("Range", header)])
            #expect(response.status == status, "Range: \(header), cache \(cache)")
            switch status {
            case 206:
                let range = try #require(range)
                #expect(response.body == Array(published.bytes[range]))
                #expect(response.header("Content-Range") == "bytes \(range.lowerBound)-\(range.upperBound)/100000")
                #expect(response.header("Content-Length") == String(range.count))
                #expect(response.header("Content-Type") == "image/png")
            case 416:
                #expect(response.header("Content-Range") == "bytes */100000")
                #expect(response.body.isEmpty)
            default:
                #expect(response.body == published.bytes)
                #expect(response.header("Content-Range") == nil)
            }
            await Self.finish(published)
        }
    }

    @Test func rangesAreIgnoredOnHeadAndHonouredOnlyForAMatchingIfRange() async throws {
        let published = try await Self.publish(cache: true)
        defer { published.scratch.remove() }
        let head = try await Fetch.request(published.url, method: .HEAD, headers: [("Range", "bytes=0-9")])
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "100000")
        let etag = try #require(try await Fetch.request(published.url, method: .HEAD).header("ETag"))
        let matching = try await Fetch.request(published.url, headers: [("Range", "bytes=0-9"), ("If-Range", etag)])
        #expect(matching.status == 206)
        #expect(matching.body == Array(published.bytes[0...9]))
        let stale = try await Fetch.request(published.url, headers: [("Range", "bytes=0-9"), ("If-Range", "\"old\"")])
        #expect(stale.status == 200)
        #expect(stale.body == published.bytes)
        await Self.finish(published)
    }

    @Test func emptyFileIsServedAndEveryRangeIsUnsatisfiable() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer()
        let url = try await server.publish(try scratch.write("empty.png", []))
        let whole = try await Fetch.request(url.absoluteString)
        #expect(whole.status == 200)
        #expect(whole.body.isEmpty)
        #expect(whole.header("Content-Length") == "0")
        #expect(whole.header("Content-Type") == "application/octet-stream")
        let ranged = try await Fetch.request(url.absoluteString, headers: [("Range", "bytes=-5")])
        #expect(ranged.status == 416)
        #expect(ranged.header("Content-Range") == "bytes */0")
        await server.stop()
    }

    @Test(arguments: [HTTPMethod.POST, .PUT, .DELETE, .PATCH, .OPTIONS, .TRACE])
    func otherMethodsAnswer405(method: HTTPMethod) async throws {
        let published = try await Self.publish(cache: true)
        defer { published.scratch.remove() }
        let response = try await Fetch.request(published.url, method: method)
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD")
        #expect(!response.body.contains(0x89))  // no PNG bytes
        await Self.finish(published)
    }

    /// Content-Type comes from the bytes, not the name: real media made by ffmpeg, and misnamed files.
    @Test(arguments: [
        (Fixture.pngRGB, "picture.png", "image/png"),
        (.pngRGB, "actually-png.jpg", "image/png"),
        (.jpeg, "photo.jpg", "image/jpeg"),
        (.jpeg, "photo", "image/jpeg"),
        (.webp, "image.webp", "image/webp"),
        (.fullRange, "clip.mp4", "video/mp4"),
        (.alphaMov, "clip.mov", "video/quicktime"),
    ])
    func contentTypeIsSniffed(fixture: Fixture, name: String, expected: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try await TestCorpus.shared.path(fixture)
        let path = try scratch.copy(source, as: name)
        let server = try await startServer()
        let url = try await server.publish(path)
        let response = try await Fetch.request(url.absoluteString)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == expected)
        #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: source))))
        await server.stop()
    }

    @Test func textFileNamedPNGIsOctetStream() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try await startServer()
        let url = try await server.publish(try scratch.write("fake.png", Array("<html>hello</html>".utf8)))
        let response = try await Fetch.request(url.absoluteString)
        #expect(response.header("Content-Type") == "application/octet-stream")
        await server.stop()
    }
}
