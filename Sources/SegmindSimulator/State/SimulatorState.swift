import Foundation
import SegmindCatalog

/// How a job ended.
enum JobOutcome: Sendable {
    case completed(OutputFile)
    case failed(String)
}

/// A rendered output served at `/files/<id>/<name>`.
struct OutputFile: Sendable {
    var id: String
    var name: String
    var path: String
    var contentType: String
    var size: Int
}

/// The status a job shows at a given moment.
enum JobPhase: String, Sendable {
    case queued = "QUEUED"
    case processing = "PROCESSING"
    case completed = "COMPLETED"
    case failed = "FAILED"
}

/// One accepted submit.
struct JobRecord: Sendable {
    var id: String
    var request: GenerationRequest
    var costMillis: Int
    var submittedAt: ContinuousClock.Instant
    var generationSeed: UInt64
    var work: Task<JobOutcome, Never>?
    var outcome: JobOutcome?
    var workSeconds: Double = 0
    var remainingMillisAfter: Int = 0
}

/// One request the simulator answered (or dropped), for tests and `--verbose` logs.
public struct SimulatorLogEntry: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP method.
    public var method: String
    /// The request path.
    public var path: String
    /// The status sent, or nil when the connection was dropped without a response.
    public var status: Int?
    /// The injected fault (`500`, `502`, `504`, `429`, `drop`, `truncate`), if any.
    public var fault: String?

    /// `METHOD path -> status [fault]`.
    public var description: String {
        "\(method) \(path) -> \(status.map(String.init) ?? "dropped")" + (fault.map { " [\($0)]" } ?? "")
    }
}

/// The simulator's mutable state: credits, job records, output files, counters and the request log.
actor SimulatorState {
    let configuration: SimulatorConfiguration
    private(set) var creditsMillis: Int
    private var records: [String: JobRecord] = [:]
    private var files: [String: OutputFile] = [:]
    /// Files stored by `POST /upload-asset`, by their random id.
    private var assets: [String: OutputFile] = [:]
    /// Input URLs that could not be used, oldest first.
    private(set) var failedFetches: [FailedFetch] = []
    /// The request history, oldest first: never expired by the TTL.
    private(set) var history: [HistoryRow] = []
    private var counters: [RollStream: UInt64] = [:]
    private var submissions: [String: Int] = [:]
    private(set) var log: [SimulatorLogEntry] = []
    /// The root URL, known once the server listens.
    private(set) var baseURL = ""

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.creditsMillis = Int((configuration.credits * 1000).rounded())
    }

    /// The random decisions for the next request of a kind.
    func nextRoll(_ stream: RollStream) -> FaultRoll {
        let index = counters[stream, default: 0]
        counters[stream] = index + 1
        return FaultRoll(seed: configuration.seed, stream: stream, index: index, spec: configuration.faults)
    }

    func setBaseURL(_ url: String) { baseURL = url }

    func record(_ entry: SimulatorLogEntry) { log.append(entry) }

    /// Bills and stores a new job (and its history row, with `body` as received), or returns nil when the balance is too low.
    func accept(_ request: GenerationRequest, seed: UInt64, body: [String: JSONValue]) -> JobRecord? {
        let cost = request.costMillis
        guard creditsMillis >= cost else { return nil }
        creditsMillis -= cost
        submissions[request.model.slug, default: 0] += 1
        let record = JobRecord(
            id: UUID().uuidString.lowercased(), request: request, costMillis: cost, submittedAt: .now, generationSeed: seed,
            remainingMillisAfter: creditsMillis)
        records[record.id] = record
        history.append(
            HistoryRow(id: record.id, slug: request.model.slug, body: body, costMillis: cost, createdAt: Date(), updatedAt: Date(), outcome: nil))
        return record
    }

    func attach(_ work: Task<JobOutcome, Never>, to id: String) { records[id]?.work = work }

    /// Stores a job's outcome; a FAILED job is refunded (Segmind bills only completed generations).
    func finish(_ id: String, outcome: JobOutcome, workSeconds: Double) {
        if case .completed(let file) = outcome { files[file.id] = file }
        if let index = history.firstIndex(where: { $0.id == id }) {
            history[index].outcome = outcome
            history[index].updatedAt = Date()
            // A FAILED job is refunded: nothing was deducted.
            if case .failed = outcome { history[index].costMillis = 0 }
        }
        guard var record = records[id] else { return }
        record.outcome = outcome
        record.workSeconds = workSeconds
        if case .failed = outcome {
            creditsMillis += record.costMillis
        }
        records[id] = record
    }

    /// The live record, or nil when unknown or older than the TTL (an expired record is removed).
    func lookup(_ id: String) -> JobRecord? {
        guard let record = records[id] else { return nil }
        if ContinuousClock.now - record.submittedAt > .seconds(configuration.ttl) {
            records[id] = nil
            return nil
        }
        return record
    }

    /// Makes every record older than the TTL at once (tests of expiry); the history and the output files stay.
    func expireAll() { records.removeAll() }

    func forgetHistory() { history.removeAll() }

    func file(_ id: String) -> OutputFile? { files[id] }

    func storeAsset(_ file: OutputFile) { assets[file.id] = file }

    func asset(_ id: String) -> OutputFile? { assets[id] }

    var uploadCount: Int { assets.count }

    func recordFailedFetch(_ failure: FailedFetch) { failedFetches.append(failure) }

    func submissionCount(slug: String?) -> Int {
        if let slug { return submissions[slug, default: 0] }
        return submissions.values.reduce(0, +)
    }

    func pendingWork() -> [Task<JobOutcome, Never>] { records.values.compactMap(\.work) }
}
