import Testing

@Test func segmindSimulatorTargetBuilds() { #expect(Bool(true)) }
