import Foundation
import MediaTestSupport
import Testing

/// The folder the seeds and the cases are written to (one per test process).
let hostileDirectory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("shotchain-hostile-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

/// Every reader refuses every hostile case cleanly: no trap (which would end this process), and each error
/// is a MediaError or SegmindError naming the file.
@Test(arguments: SeedMedia.allCases)
func everyReaderSurvivesHostileHeaders(_ seed: SeedMedia) throws {
    let harness = try ReaderHarness()
    let bytes = try seed.make(in: hostileDirectory)
    let seedPath = hostileDirectory.appendingPathComponent("seed-\(seed.rawValue).\(seed.fileExtension)").path

    // The unmutated seed is accepted by the readers that handle its kind, so a refusal below means something.
    let clean = harness.run(path: seedPath, isImage: seed.isImage)
    #expect(clean.problems.isEmpty, "\(clean.problems)")
    for reader in ["MediaProbe", "FrameExtractor.first", "FrameExtractor.last", "Verifier(decode)", "ContainerKind+MediaKind"] {
        #expect(clean.accepted[reader] == true, "\(seed): \(reader) refused the valid seed")
    }
    if seed.isImage {
        #expect(clean.accepted["ImageDimensions"] == true)
    }
    if seed.isISOBaseMedia || seed == .png || seed == .jpeg {
        #expect(clean.accepted["HeaderMediaInspector"] == true && clean.accepted["DecodingMediaInspector"] == true)
    }

    var mutator = HeaderMutator(seed: seed, bytes: bytes)
    let cases = mutator.build()
    #expect(cases.count >= 300)
    let dir = hostileDirectory.appendingPathComponent(seed.rawValue)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var problems: [String] = []
    var tally: [String: [Int]] = [:]
    for (n, hostile) in cases.enumerated() {
        let path = dir.appendingPathComponent("case-\(n).\(seed.fileExtension)").path
        try Data(hostile.bytes).write(to: URL(fileURLWithPath: path))
        let outcome = harness.run(path: path, isImage: seed.isImage)
        problems += outcome.problems.map { "\(hostile): \($0)" }
        for (reader, ok) in outcome.accepted { tally[reader, default: [0, 0]][ok ? 0 : 1] += 1 }
        try? FileManager.default.removeItem(atPath: path)
    }
    // Every reader ran on every case, and the FFmpeg-backed ones refused some (the mutations reach them).
    for (reader, counts) in tally { #expect(counts[0] + counts[1] == cases.count, "\(seed): \(reader) ran \(counts) times") }
    for reader in ["MediaProbe", "FrameExtractor.first", "FrameExtractor.last", "Verifier(decode)"] {
        #expect((tally[reader]?[1] ?? 0) > 0, "\(seed): \(reader) refused none of \(cases.count) hostile cases")
    }
    #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(8))")
}

/// The cases are the same on every run (the RNG is seeded), and there are a few thousand of them.
@Test func hostileCasesAreDeterministic() throws {
    var total = 0
    for seed in SeedMedia.allCases {
        let bytes = try seed.make(in: hostileDirectory)
        var first = HeaderMutator(seed: seed, bytes: bytes)
        var second = HeaderMutator(seed: seed, bytes: bytes)
        let a = first.build()
        let b = second.build()
        #expect(a.map(\.label) == b.map(\.label) && a.map(\.bytes) == b.map(\.bytes))
        total += a.count
    }
    #expect(total >= 3000, "\(total) cases")
}
