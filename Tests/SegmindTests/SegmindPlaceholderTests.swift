import Testing

@Test func segmindTargetBuilds() { #expect(Bool(true)) }
