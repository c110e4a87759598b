import Foundation
import MediaTestSupport
import Testing

@Test(arguments: Fixture.allCases)
func corpusFixtureIsGenerated(_ fixture: Fixture) async throws {
    let url = try await TestCorpus.shared.url(fixture)
    let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
    #expect(size > 100)
}
