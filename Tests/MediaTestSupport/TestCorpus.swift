import Foundation

/// The media files the tests run on, generated at test time with the ffmpeg CLI (nothing binary is committed).
///
/// Each fixture is made once per test process, on first use, into a private temporary folder.
public enum Fixture: String, CaseIterable, Sendable {
    /// H.264 High, 1280x720, 24 fps, 121 frames (5.042 s), B-frames (bf 3), GOP 48, AAC stereo 48 kHz.
    case bframesAAC = "bframes_aac.mp4"
    /// A stream-copied cut of `bframesAAC` starting at 1.5 s, mid-GOP: an edit list hides the leading samples.
    case editListCut = "editlist_cut.mp4"
    /// `bframesAAC` with a 90 degree display matrix.
    case rotated90 = "rotated90.mp4"
    /// H.264 with variable frame durations (VFR), 320x240.
    case variableFrameRate = "vfr.mp4"
    /// HEVC Main 10 (yuv420p10le), 640x360, 24 fps, 48 frames.
    case hevc10bit = "hevc10.mp4"
    /// VP9 + Opus in WebM, 320x240, 24 fps, 48 frames.
    case vp9Opus = "vp9_opus.webm"
    /// Fragmented MP4 (moof boxes), H.264 + AAC, 320x240, 72 frames.
    case fragmented = "fragmented.mp4"
    /// H.264 full range (pc), BT.601 matrix, 320x240.
    case fullRange = "fullrange.mp4"
    /// H.264 limited range tagged BT.709 (matrix, primaries, transfer), 320x240.
    case bt709 = "bt709.mp4"
    /// H.264 4:4:4 at odd dimensions 321x241.
    case oddDimensions = "odd_321x241.mp4"
    /// Video 4.0 s (96 frames) with audio 5.5 s.
    case audioLonger = "audio_longer.mp4"
    /// H.264 with a single keyframe (GOP longer than the clip), 320x240, 72 frames, B-frames.
    case singleKeyframe = "single_keyframe.mp4"
    /// H.264 with non-square pixels: 320x240 coded, SAR 2:1 (display 640x240).
    case anamorphic = "sar_2x1.mp4"
    /// A QuickTime MOV with PNG-coded RGBA video (alpha channel), 160x120, 12 frames.
    case alphaMov = "alpha.mov"
    /// PNG, RGB, 200x150.
    case pngRGB = "image_rgb.png"
    /// PNG with alpha (rgba), 200x150.
    case pngRGBA = "image_rgba.png"
    /// JPEG, 200x150.
    case jpeg = "image.jpg"
    /// WebP without alpha, 200x150.
    case webp = "image.webp"
    /// WebP with alpha, 200x150.
    case webpAlpha = "image_alpha.webp"

    /// The ffmpeg arguments that produce this fixture at `out` (dependencies are made first).
    func recipe(out: String, dependency: (Fixture) throws -> String) throws -> [[String]] {
        let testsrc = "testsrc2"
        switch self {
        case .bframesAAC:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=1280x720:r=24:d=5.04",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=5.0416667",
                    "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
                    "-x264-params", "bframes=3:b-adapt=0:keyint=48:min-keyint=48:scenecut=0",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-b:a", "96k", out,
                ]
            ]
        case .editListCut:
            return [["-ss", "1.5", "-i", try dependency(.bframesAAC), "-c", "copy", out]]
        case .rotated90:
            return [["-i", try dependency(.bframesAAC), "-c", "copy", "-metadata:s:v:0", "rotate=90", out]]
        case .variableFrameRate:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=3",
                    "-vf", "settb=1/240,setpts='if(lt(N,24),N*10,if(lt(N,48),240+(N-24)*20,720+(N-48)*5))'",
                    "-fps_mode", "vfr", "-enc_time_base", "1/240", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-video_track_timescale", "24000", out,
                ]
            ]
        case .hevc10bit:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=640x360:r=24:d=2", "-frames:v", "48",
                    "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=24",
                    "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1", out,
                ]
            ]
        case .vp9Opus:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=2",
                    "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration=2",
                    "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k",
                    "-c:a", "libopus", "-b:a", "64k", out,
                ]
            ]
        case .fragmented:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=3",
                    "-f", "lavfi", "-i", "sine=frequency=550:sample_rate=48000:duration=3",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "24", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov+default_base_moof", out,
                ]
            ]
        case .fullRange:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=1", "-frames:v", "24",
                    "-vf", "scale=out_range=full:out_color_matrix=bt601,format=yuvj420p",
                    "-c:v", "libx264", "-preset", "ultrafast", "-color_range", "pc", "-colorspace", "smpte170m",
                    "-color_primaries", "smpte170m", "-color_trc", "smpte170m", out,
                ]
            ]
        case .bt709:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=1", "-frames:v", "24",
                    "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
                    "-c:v", "libx264", "-preset", "ultrafast", "-color_range", "tv", "-colorspace", "bt709",
                    "-color_primaries", "bt709", "-color_trc", "bt709", out,
                ]
            ]
        case .oddDimensions:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=322x242:r=24:d=1", "-frames:v", "24",
                    // testsrc2 rounds odd sizes down to even ones, so crop to the odd size after the source.
                    "-vf", "format=yuv444p,crop=321:241:0:0",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", out,
                ]
            ]
        case .audioLonger:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=4",
                    "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=5.5",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "24", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", out,
                ]
            ]
        case .singleKeyframe:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=3", "-frames:v", "72",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-x264-params", "bframes=2:b-adapt=0:keyint=1000:min-keyint=1000:scenecut=0", out,
                ]
            ]
        case .anamorphic:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=320x240:r=24:d=1", "-frames:v", "24",
                    "-vf", "setsar=2/1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out,
                ]
            ]
        case .alphaMov:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=160x120:r=12:d=1",
                    "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,80),255,64)'",
                    "-frames:v", "12", "-c:v", "png", "-pix_fmt", "rgba", out,
                ]
            ]
        case .pngRGB:
            return [["-f", "lavfi", "-i", "\(testsrc)=s=200x150", "-frames:v", "1", "-pix_fmt", "rgb24", out]]
        case .pngRGBA:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=200x150", "-frames:v", "1",
                    "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(Y,75),255,100)'",
                    "-pix_fmt", "rgba", out,
                ]
            ]
        case .jpeg:
            return [["-f", "lavfi", "-i", "\(testsrc)=s=200x150", "-frames:v", "1", "-q:v", "3", out]]
        case .webp:
            return [["-f", "lavfi", "-i", "\(testsrc)=s=200x150", "-frames:v", "1", "-c:v", "libwebp", "-pix_fmt", "yuv420p", out]]
        case .webpAlpha:
            return [
                [
                    "-f", "lavfi", "-i", "\(testsrc)=s=200x150", "-frames:v", "1",
                    "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,100),255,80)'",
                    "-c:v", "libwebp", "-pix_fmt", "yuva420p", out,
                ]
            ]
        }
    }

    /// True for still-image fixtures.
    public var isImage: Bool {
        switch self {
        case .pngRGB, .pngRGBA, .jpeg, .webp, .webpAlpha: return true
        default: return false
        }
    }
}

/// Generates fixtures on demand and remembers where they are.
public actor TestCorpus {
    /// The corpus shared by all tests in the process.
    public static let shared = TestCorpus()

    /// The folder holding this process's fixtures.
    public nonisolated let directory: URL
    private var made: [Fixture: Task<URL, any Error>] = [:]

    public init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("shotchain-corpus-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The path of `fixture`, generating it first if needed.
    public func url(_ fixture: Fixture) async throws -> URL {
        if let task = made[fixture] { return try await task.value }
        let dir = directory
        // Register the task before any suspension point, so concurrent callers share one generation.
        let task = Task<URL, any Error>.detached {
            let dependencies = try await self.dependencyPaths(for: fixture)
            let out = dir.appendingPathComponent(fixture.rawValue)
            let partial = dir.appendingPathComponent("partial-" + fixture.rawValue)
            let steps = try fixture.recipe(out: partial.path) { dependencies[$0]! }
            for step in steps { try ffmpeg(step) }
            try FileManager.default.moveItem(at: partial, to: out)
            return out
        }
        made[fixture] = task
        return try await task.value
    }

    /// The path of `fixture` as a String.
    public func path(_ fixture: Fixture) async throws -> String { try await url(fixture).path }

    private func dependencyPaths(for fixture: Fixture) async throws -> [Fixture: String] {
        switch fixture {
        case .editListCut, .rotated90: return [.bframesAAC: try await path(.bframesAAC)]
        default: return [:]
        }
    }

    /// A new empty scratch folder inside the corpus folder, for a test's outputs.
    public nonisolated func scratchDirectory(_ name: String = "scratch") -> URL {
        let url = directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Broken inputs every command must refuse cleanly.
public enum BadInput: String, CaseIterable, Sendable {
    case empty = "empty.mp4"
    case randomBytes = "random.mp4"
    /// A fast-start MP4 (moov first) cut to 40% of its bytes.
    case truncatedMoovFirst = "truncated_moov_first.mp4"
    /// An MP4 with moov at the end, cut to 60% of its bytes (the moov is lost).
    case truncatedMoovLast = "truncated_moov_last.mp4"
    case textAsPNG = "text.png"
    /// A valid PNG signature and IHDR declaring 30000x30000 pixels, with no image data.
    case hugePNGHeader = "huge_header.png"
    case missing = "does_not_exist.mp4"
    case directory = "a_directory.mp4"
}

extension TestCorpus {
    /// The path of a bad input (made on first use; `missing` is never created).
    public func badInput(_ kind: BadInput) async throws -> URL {
        let url = directory.appendingPathComponent("bad-" + kind.rawValue)
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) || kind == .missing { return url }
        switch kind {
        case .empty:
            fm.createFile(atPath: url.path, contents: Data())
        case .randomBytes:
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }
            fm.createFile(atPath: url.path, contents: Data(bytes))
        case .truncatedMoovFirst:
            let full = directory.appendingPathComponent("faststart-source.mp4")
            if !fm.fileExists(atPath: full.path) {
                try ffmpeg(["-i", try await path(.bframesAAC), "-c", "copy", "-movflags", "+faststart", full.path])
            }
            let data = try Data(contentsOf: full)
            try data.prefix(data.count * 4 / 10).write(to: url)
        case .truncatedMoovLast:
            let data = try Data(contentsOf: try await self.url(.bframesAAC))
            try data.prefix(data.count * 6 / 10).write(to: url)
        case .textAsPNG:
            try Data("this is not an image, just some text\n".utf8).write(to: url)
        case .hugePNGHeader:
            try Self.pngHeader(width: 30000, height: 30000).write(to: url)
        case .directory:
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
        case .missing:
            break
        }
        return url
    }

    /// A PNG signature plus an IHDR chunk (with a correct CRC) and an empty IEND.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func chunk(_ type: String, _ body: [UInt8]) {
            var length = UInt32(body.count).bigEndian
            data.append(Data(bytes: &length, count: 4))
            let typed = Array(type.utf8) + body
            data.append(contentsOf: typed)
            var crc = crc32(typed).bigEndian
            data.append(Data(bytes: &crc, count: 4))
        }
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        chunk("IHDR", be(width) + be(height) + [8, 2, 0, 0, 0])
        chunk("IEND", [])
        return data
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
