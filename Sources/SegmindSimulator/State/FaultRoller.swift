/// SplitMix64: a small, fast, seedable generator (the same numbers on every platform).
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// The kinds of request that draw faults, each from its own numbered sequence.
enum RollStream: UInt64, Sendable {
    case submit = 1
    case poll = 2
    case file = 3
    case job = 4
}

/// A fault injected into one API request.
enum RequestFault: String, Sendable {
    case internalError = "500"
    case badGateway = "502"
    case gatewayTimeout = "504"
    case rateLimited = "429"
    case drop = "drop"
}

/// The random decisions for one request, derived only from the seed, the stream and the request's number in it,
/// so the same seed and the same request order give the same faults.
struct FaultRoll: Sendable {
    /// The injected fault, if any.
    var fault: RequestFault?
    /// For a submit hit by 502, 504 or drop: whether the job was accepted (and billed) before the fault.
    var acceptedBeforeFault: Bool
    /// For a submit: whether the job ends FAILED (the `fail` rate).
    var jobFails: Bool
    /// For a file download: whether it is truncated.
    var truncate: Bool
    /// The seed reported for the generation (`x-seed-value`).
    var generationSeed: UInt64

    init(seed: UInt64, stream: RollStream, index: UInt64, spec: FaultSpec) {
        var g = SplitMix64(seed: seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03) ^ (index &* 0x9E37_79B9_7F4A_7C15))
        _ = g.next()
        let u = g.nextUnit()
        var acc = 0.0
        var picked: RequestFault?
        for (fault, p) in [
            (RequestFault.internalError, spec.internalError), (.badGateway, spec.badGateway), (.gatewayTimeout, spec.gatewayTimeout),
            (.rateLimited, spec.rateLimited), (.drop, spec.drop),
        ] {
            acc += p
            if p > 0 && u < acc {
                picked = fault
                break
            }
        }
        fault = picked
        acceptedBeforeFault = g.nextUnit() < 0.5
        jobFails = g.nextUnit() < spec.fail
        truncate = g.nextUnit() < spec.truncate
        generationSeed = g.next() % 4_294_967_296
    }
}
