// swift-tools-version:6.0
import PackageDescription

// An app using shotchain as a library: validate a request against the built-in catalog, generate one shot with the
// in-process Segmind simulator, and take its last frame. Run it with `swift run` in this folder.
let package = Package(
    name: "ChainFromSwift",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "shotchain", path: "../..")],
    targets: [
        .executableTarget(
            name: "ChainFromSwift",
            dependencies: [
                .product(name: "Segmind", package: "shotchain"),
                .product(name: "SegmindSimulator", package: "shotchain"),
                .product(name: "FrameServer", package: "shotchain"),
                .product(name: "MediaKit", package: "shotchain"),
                .product(name: "Presets", package: "shotchain"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
