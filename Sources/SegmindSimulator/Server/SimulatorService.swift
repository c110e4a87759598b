import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegmindCatalog
import WorkThreads

/// What the service decided for one request.
enum Reply {
    case respond(Response, fault: String?)
    case drop(fault: String)
}

/// The Segmind protocol: routing, authentication, validation, billing, faults and the job state machine.
struct SimulatorService: Sendable {
    let state: SimulatorState
    let runner: JobRunner
    let configuration: SimulatorConfiguration
    /// The models served, by slug, as read from the catalog folder.
    let models: [String: SimulatedModel]
    /// Where `POST /upload-asset` stores files (inside the simulator's output folder, deleted on stop).
    var assetsDirectory: URL { runner.renderer.directory.appendingPathComponent("assets") }

    /// Answers one request, logging it; a `drop` fault closes the connection instead.
    func respond(to request: Request, context: SimulatorRequestContext) async throws -> Response {
        let path = request.uri.path
        let reply: Reply
        do {
            reply = try await route(request, context: context)
        } catch {
            reply = .respond(.error(400, "Could not read the request body: \(error)"), fault: nil)
        }
        switch reply {
        case .respond(let response, let fault):
            await state.record(.init(method: request.method.rawValue, path: path, status: response.status.code, fault: fault))
            return response
        case .drop(let fault):
            await state.record(.init(method: request.method.rawValue, path: path, status: nil, fault: fault))
            try? await context.channel.close().get()
            throw ConnectionDropped()
        }
    }

    private func route(_ request: Request, context: SimulatorRequestContext) async throws -> Reply {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        let method = request.method
        switch parts.count {
        case 2 where parts[0] == "v1" || parts[0] == "v2":
            guard method == .post else { return .respond(.methodNotAllowed(allowed: "POST"), fault: nil) }
            return try await submit(slug: parts[1], synchronous: parts[0] == "v1", request: request, context: context)
        case 3 where parts[0] == "v2" && parts[1] == "requests",
            4 where parts[0] == "v2" && parts[1] == "requests" && ["status", "poll"].contains(parts[3]):
            guard method == .get else { return .respond(.methodNotAllowed(allowed: "GET"), fault: nil) }
            return await poll(id: parts[2], wantsResult: parts.count == 3, request: request)
        case 2 where parts == ["inference-request", "request-history"],
            3 where parts[0] == "inference-request" && parts[1] == "request-history":
            guard method == .get else { return .respond(.methodNotAllowed(allowed: "GET"), fault: nil) }
            if let denied = authenticationFailure(request) { return .respond(denied, fault: nil) }
            return .respond(await parts.count == 3 ? historyRow(id: parts[2]) : historyList(query: request.uri.query), fault: nil)
        case 1 where parts[0] == "upload-asset":
            guard method == .post else { return .respond(.methodNotAllowed(allowed: "POST"), fault: nil) }
            return await upload(request)
        case 3 where parts[0] == "assets":
            guard method == .get else { return .respond(.methodNotAllowed(allowed: "GET"), fault: nil) }
            return await asset(id: parts[1], name: parts[2])
        case 3 where parts[0] == "files":
            guard method == .get else { return .respond(.methodNotAllowed(allowed: "GET"), fault: nil) }
            return await file(id: parts[1], name: parts[2])
        default:
            return .respond(.error(404, "Not found: \(request.uri.path)"), fault: nil)
        }
    }

    // MARK: Authentication and faults

    /// A 401 response when the request carries no acceptable `x-api-key`.
    func authenticationFailure(_ request: Request) -> Response? {
        let key = request.headers[.apiKey] ?? ""
        if key.isEmpty {
            if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer") {
                return .error(401, "Invalid authentication: bearer tokens are not accepted, send the key in the x-api-key header")
            }
            return .error(401, "Missing Authorization or x-api-key in header")
        }
        if let expected = configuration.apiKey, key != expected {
            return .error(401, "Invalid API key")
        }
        return nil
    }

    /// The reply for an injected per-request fault.
    private func faultReply(_ fault: RequestFault) -> Reply {
        switch fault {
        case .internalError: return .respond(.error(500, "Internal Server Error"), fault: fault.rawValue)
        case .badGateway: return .respond(.error(502, "Bad Gateway"), fault: fault.rawValue)
        case .gatewayTimeout: return .respond(.error(504, "Gateway Timeout"), fault: fault.rawValue)
        case .drop: return .drop(fault: fault.rawValue)
        case .rateLimited:
            let reset = Date().addingTimeInterval(1)
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            let stamp = formatter.string(from: Date(timeIntervalSince1970: reset.timeIntervalSince1970.rounded(.up)))
            var headers = HTTPFields()
            headers[.rateLimitReset] = stamp
            return .respond(.error(429, "Rate limit exceeded, try again after \(stamp)", headers: headers), fault: fault.rawValue)
        }
    }

    // MARK: Submit

    private func submit(slug: String, synchronous: Bool, request: Request, context: SimulatorRequestContext) async throws -> Reply {
        if let denied = authenticationFailure(request) { return .respond(denied, fault: nil) }
        guard let model = models[slug] else { return .respond(.error(404, "Model \(slug) not found"), fault: nil) }
        let roll = await state.nextRoll(.submit)
        var faultAfterAcceptance: RequestFault?
        if let fault = roll.fault {
            switch fault {
            case .badGateway, .gatewayTimeout, .drop:
                guard roll.acceptedBeforeFault else { return faultReply(fault) }
                faultAfterAcceptance = fault
            case .internalError, .rateLimited:
                return faultReply(fault)
            }
        }
        var buffer = try await request.body.collect(upTo: SimulatorRequestContext.maxJSONBody)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        guard contentType.hasPrefix("application/json"), let body = JSONValue.parse(bytes) else {
            return .respond(.error(406, "Invalid content type: send a JSON body with Content-Type: application/json"), fault: nil)
        }
        let generation: GenerationRequest
        switch model.validate(body) {
        case .failure(let failure): return .respond(.error(400, failure.message), fault: nil)
        case .success(let validated): generation = validated
        }
        guard case .object(let fields) = body, let record = await state.accept(generation, seed: roll.generationSeed, body: fields) else {
            let balance = await state.creditsMillis
            return .respond(
                .error(
                    406,
                    "Insufficient credits: your balance is $\(dollarText(balance)) and this request costs $\(dollarText(generation.costMillis))"
                ), fault: nil)
        }
        let forcedFailure: String?
        if generation.prompt.contains("[fail]") {
            forcedFailure = "Generation failed: the prompt was rejected by the content filter ([fail])"
        } else if roll.jobFails {
            forcedFailure = "Generation failed: the model could not complete this request (injected fault)"
        } else {
            forcedFailure = nil
        }
        let runner = self.runner
        let work = Task.detached(executorPreference: DedicatedExecutor.servers) { await runner.run(record, forcedFailure: forcedFailure) }
        await state.attach(work, to: record.id)
        if let fault = faultAfterAcceptance { return faultReply(fault) }
        if synchronous { return await synchronousResult(record, work: work) }
        let base = await state.baseURL
        let statusURL = "\(base)/v2/requests/\(record.id)/status"
        return .respond(
            .json(
                200,
                [
                    "request_id": .string(record.id), "status": "QUEUED", "poll_url": .string("\(base)/v2/requests/\(record.id)/poll"),
                    "status_url": .string(statusURL), "response_url": .string("\(base)/v2/requests/\(record.id)"),
                ]), fault: nil)
    }

    /// v1: holds the connection until the job is terminal, then sends the media bytes with accounting headers.
    private func synchronousResult(_ record: JobRecord, work: Task<JobOutcome, Never>) async -> Reply {
        let outcome = await work.value
        guard let current = await state.lookup(record.id) else {
            return .respond(.error(404, "Request \(record.id) not found"), fault: nil)
        }
        switch outcome {
        case .failed(let message):
            return .respond(.json(422, failedBody(current, message: message)), fault: nil)
        case .completed(let file):
            guard let data = FileManager.default.contents(atPath: file.path) else {
                return .respond(.error(500, "Internal Server Error"), fault: nil)
            }
            var headers = HTTPFields()
            headers[.cost] = dollarText(current.costMillis)
            headers[.remainingCredits] = dollarText(current.remainingMillisAfter)
            headers[.requestID] = current.id
            headers[.generationTime] = String(roundedSeconds(totalSeconds(current)))
            headers[.seedValue] = String(current.generationSeed)
            return .respond(.bytes(data, contentType: file.contentType, headers: headers), fault: nil)
        }
    }

    // MARK: Status and result

    private func poll(id: String, wantsResult: Bool, request: Request) async -> Reply {
        if let denied = authenticationFailure(request) { return .respond(denied, fault: nil) }
        let roll = await state.nextRoll(.poll)
        if let fault = roll.fault { return faultReply(fault) }
        guard let record = await state.lookup(id) else { return .respond(.error(404, "Request \(id) not found"), fault: nil) }
        let phase = self.phase(of: record)
        switch (phase, record.outcome) {
        case (.failed, .failed(let message)?):
            return .respond(.json(422, failedBody(record, message: message)), fault: nil)
        case (.completed, .completed(let file)?) where wantsResult:
            return .respond(.json(200, completedBody(record, file: file, base: await state.baseURL)), fault: nil)
        default:
            var body: [String: JSONValue] = [
                "status": .string(phase.rawValue), "request_id": .string(record.id), "metrics": progressMetrics(record, phase: phase),
            ]
            if wantsResult {
                body["output"] = .null
                body["error"] = .null
            }
            return .respond(.json(200, .object(body)), fault: nil)
        }
    }

    /// QUEUED for the first third of the latency, PROCESSING after, terminal once both the latency has passed and the work is done.
    func phase(of record: JobRecord) -> JobPhase {
        let elapsed = (ContinuousClock.now - record.submittedAt).seconds
        if let outcome = record.outcome, elapsed >= configuration.latency {
            if case .failed = outcome { return .failed }
            return .completed
        }
        return elapsed < configuration.latency / 3 ? .queued : .processing
    }

    private func totalSeconds(_ record: JobRecord) -> Double { max(configuration.latency, record.workSeconds) }

    private func terminalTimes(_ record: JobRecord) -> (queue: Double, inference: Double, total: Double) {
        let total = totalSeconds(record)
        let queue = configuration.latency / 3
        return (roundedSeconds(queue), roundedSeconds(total - queue), roundedSeconds(total))
    }

    /// Metrics while a job runs (`queue_time` once PROCESSING) and, once COMPLETED, the full set with billing.
    private func progressMetrics(_ record: JobRecord, phase: JobPhase) -> JSONValue {
        switch phase {
        case .queued, .failed: return [:]
        case .processing: return ["queue_time": .number(roundedSeconds(configuration.latency / 3))]
        case .completed: return completedMetrics(record)
        }
    }

    private func completedMetrics(_ record: JobRecord) -> JSONValue {
        let t = terminalTimes(record)
        return [
            "cost": dollars(record.costMillis), "remaining_credits": dollars(record.remainingMillisAfter),
            "inference_time": .number(t.inference), "queue_time": .number(t.queue), "total_time": .number(t.total),
        ]
    }

    private func failedBody(_ record: JobRecord, message: String) -> JSONValue {
        let t = terminalTimes(record)
        return [
            "status": "FAILED", "error": .string(message), "request_id": .string(record.id),
            "metrics": ["inference_time": .number(t.inference), "queue_time": .number(t.queue), "total_time": .number(t.total)],
        ]
    }

    private func completedBody(_ record: JobRecord, file: OutputFile, base: String) -> JSONValue {
        let url = JSONValue.string("\(base)/files/\(file.id)/\(file.name)")
        var body: [String: JSONValue] = [
            "status": "COMPLETED", "error": .null, "request_id": .string(record.id), "output": url, "metrics": completedMetrics(record),
        ]
        switch record.request.model.output {
        case .video:
            body["video"] = [
                "url": url, "content_type": .string(file.contentType), "file_name": .string(file.name), "file_size": .number(Double(file.size)),
            ]
        case .image:
            body["images"] = [["url": url]]
        }
        return .object(body)
    }

    // MARK: Files

    private func file(id: String, name: String) async -> Reply {
        guard let file = await state.file(id), file.name == name, let data = FileManager.default.contents(atPath: file.path) else {
            return .respond(.error(404, "File not found"), fault: nil)
        }
        let roll = await state.nextRoll(.file)
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.contentLength] = String(data.count)
        if roll.truncate {
            let partial = ByteBuffer(bytes: data.prefix(data.count / 2))
            let body = ResponseBody(contentLength: data.count) { writer in
                try await writer.write(partial)
                try await Task.sleep(for: .milliseconds(50))
                throw ConnectionDropped()
            }
            return .respond(Response(status: .ok, headers: headers, body: body), fault: "truncate")
        }
        return .respond(.bytes(data, contentType: file.contentType), fault: nil)
    }
}
