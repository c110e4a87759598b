import Testing

@Test func frameServerTargetBuilds() { #expect(Bool(true)) }
