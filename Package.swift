// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "shotchain",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shotchain", targets: ["shotchain"]),
        .executable(name: "media-bench", targets: ["media-bench"]),
        .library(name: "MediaKit", targets: ["MediaKit"]),
        .library(name: "Segmind", targets: ["Segmind"]),
        .library(name: "SegmindSimulator", targets: ["SegmindSimulator"]),
        .library(name: "FrameServer", targets: ["FrameServer"]),
        .library(name: "Storyboard", targets: ["Storyboard"]),
        .library(name: "Presets", targets: ["Presets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswscale libswresample zlib",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev", "zlib1g-dev", "pkg-config"]), .brew(["ffmpeg"])]
        ),
        .target(name: "MediaFormat"),
        .target(name: "MediaKit", dependencies: ["CFFmpeg", "MediaFormat"]),
        .target(name: "TerminalUI"),
        // Threads off the cooperative pool: the servers' executor and blocking media work.
        .target(name: "WorkThreads"),
        // The model catalog's types (ModelSpec, JSONValue) and file loading, shared by the client and the simulator.
        .target(name: "SegmindCatalog"),
        .target(
            name: "Segmind",
            dependencies: [
                "MediaKit", "MediaFormat", "SegmindCatalog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SegmindSimulator",
            dependencies: [
                "MediaKit", "SegmindCatalog", "Presets", "WorkThreads",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FrameServer",
            dependencies: [
                "MediaFormat", "WorkThreads",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Storyboard",
            dependencies: [
                "MediaKit", "Segmind", "FrameServer", "WorkThreads", .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The files under presets/ are compiled into the module by the EmbedPresets plugin (no resource bundle to ship).
        .target(name: "Presets", path: "presets", exclude: ["README.md"], plugins: ["EmbedPresets"]),
        .executableTarget(name: "embed-presets", path: "Plugins/embed-presets"),
        .plugin(name: "EmbedPresets", capability: .buildTool(), dependencies: ["embed-presets"]),
        .executableTarget(
            name: "shotchain",
            dependencies: [
                "MediaKit", "TerminalUI", "Presets", "Segmind", "SegmindSimulator", "FrameServer", "Storyboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Swift runtime and Foundation linked in (the libraries Foundation pulls in named explicitly): the
            // dynamic loader then resolves far fewer symbols at every start, about 5 ms of each short command
            // such as `frame --last` or `probe` (BENCHMARKS.md).
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization"], .when(platforms: [.linux]))]
        ),
        .executableTarget(name: "media-bench", dependencies: ["MediaKit"]),
        .target(name: "MediaTestSupport", dependencies: ["MediaKit", "WorkThreads"], path: "Tests/MediaTestSupport"),
        .testTarget(name: "MediaKitTests", dependencies: ["MediaKit", "MediaTestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(name: "WorkThreadsTests", dependencies: ["WorkThreads", "MediaTestSupport"]),
        .testTarget(name: "SegmindTests", dependencies: ["Segmind", "SegmindSimulator", "MediaTestSupport", "Presets"]),
        .testTarget(name: "SegmindSimulatorTests", dependencies: ["SegmindSimulator", "SegmindCatalog", "MediaTestSupport", "Presets", "WorkThreads", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(
            name: "FrameServerTests",
            dependencies: ["FrameServer", "MediaTestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .testTarget(name: "StoryboardTests", dependencies: ["Storyboard", "SegmindSimulator", "MediaTestSupport", "Presets"]),
        .testTarget(name: "EndToEndTests", dependencies: ["MediaTestSupport", "SegmindSimulator"]),
        .testTarget(name: "HostileHeaderTests", dependencies: ["MediaFormat", "MediaKit", "Segmind", "FrameServer", "MediaTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
