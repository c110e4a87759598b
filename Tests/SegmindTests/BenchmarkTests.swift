import Foundation
import Segmind
import SegmindSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Counts, per request body, the submits the service answered with 2xx (to detect a job submitted twice).
private final class CountingTransport: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    private let lock = NSLock()
    private var accepted: [Data: Int] = [:]
    init(_ inner: any HTTPTransport) { self.inner = inner }

    func execute(_ request: TransportRequest, timeout: Duration) async throws -> TransportResponse {
        let response = try await inner.execute(request, timeout: timeout)
        if request.method == "POST", (200..<300).contains(response.status), let body = request.body {
            lock.withLock { accepted[body, default: 0] += 1 }
        }
        return response
    }

    var duplicated: Int { lock.withLock { accepted.values.filter { $0 > 1 }.count } }
}

private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

private func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// 200 v2 jobs at concurrency 50 against the in-process simulator (zero latency, 10% injected faults).
/// Run with `SHOTCHAIN_BENCH=1 swift test --skip-build --filter v2Benchmark`; prints one line of figures.
@Test(.enabled(if: ProcessInfo.processInfo.environment["SHOTCHAIN_BENCH"] == "1"))
func v2Benchmark() async throws {
    let inputs = try await SimulatorInputs.make()
    defer { inputs.server.stop() }
    let model = try bundledCatalog().model("kling-o1-image-to-video")
    let faults = try FaultSpec(parsing: "500=0.02,502=0.02,504=0.01,429=0.02,drop=0.01,fail=0.01,truncate=0.01")
    let simulator = try await SegmindSimulator.start(SimulatorConfiguration(latency: 0, faults: faults, seed: 42, scale: 0.1))
    let dir = scratch()
    let total = 200
    let concurrency = 50
    let cpu0 = cpuSeconds()
    let start = Date()
    let (downloaded, failures, unknown, ids, duplicated) = try await AsyncHTTPTransport.withTransport { base in
        let transport = CountingTransport(base)
        var configuration = try SegmindConfiguration(baseURL: simulator.baseURL, apiKey: APIKey("bench-key-0123"))
        configuration.retry = RetryPolicy(maxAttempts: 8, baseDelay: 0.05, maxDelay: 1, maxRateLimitWait: 3)
        let client = SegmindClient(configuration: configuration, transport: transport)
        return try await withThrowingTaskGroup(of: (Bool, Bool, String?).self) { group in
            var next = 0
            var downloaded = 0
            var failures = 0
            var unknown = 0
            var ids: [String] = []
            func add() throws {
                let i = next
                next += 1
                let request = try RequestValidator().validate(
                    model: model, parameters: ["prompt": .string("job \(i)"), "start_image_url": .string(inputs.server.url("start.png"))])
                group.addTask {
                    var id: String?
                    do {
                        let job = try await client.submit(request)
                        id = job.requestID
                        let result = try await client.wait(for: job, interval: 0.05)
                        _ = try await client.download(result, to: dir.appendingPathComponent("job\(i).mp4"), expecting: .video)
                        return (true, false, id)
                    } catch SegmindError.outcomeUnknown {
                        return (false, true, id)
                    } catch {
                        return (false, false, id)
                    }
                }
            }
            for _ in 0..<concurrency { try add() }
            while let (ok, isUnknown, id) = try await group.next() {
                if ok { downloaded += 1 } else if isUnknown { unknown += 1 } else { failures += 1 }
                if let id { ids.append(id) }
                if next < total { try add() }
            }
            return (downloaded, failures, unknown, ids, transport.duplicated)
        }
    }
    let wall = Date().timeIntervalSince(start)
    let cpu = cpuSeconds() - cpu0
    let accepted = await simulator.submissionCount()
    await simulator.stop()
    let lost = max(0, accepted - ids.count - unknown)
    print(
        String(
            format:
                "BENCH v2 jobs=%d concurrency=%d wall=%.2fs cpu=%.2fs cpu/job=%.1fms peakRSS=%.0fMiB downloaded=%d failed=%d outcomeUnknown=%d accepted=%d lost=%d duplicated=%d",
            total, concurrency, wall, cpu, cpu / Double(total) * 1000, peakRSSMiB(), downloaded, failures, unknown, accepted, lost, duplicated))
    #expect(downloaded + failures + unknown == total)
    #expect(lost == 0)
    #expect(duplicated == 0)
    #expect(Set(ids).count == ids.count)
}
