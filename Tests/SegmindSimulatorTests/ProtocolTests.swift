import AsyncHTTPClient
import Foundation
import MediaTestSupport
import NIOHTTP1
import SegmindSimulator
import Testing

private let i2v = "kling-o1-image-to-video"
private let image = "http://127.0.0.1:9/start.png"

@Suite("Segmind protocol")
struct ProtocolTests {
    @Test(
        "401 without an acceptable x-api-key",
        arguments: [
            ("missing", nil, [(String, String)]()), ("bearer", nil, [("authorization", "Bearer secret")]),
            ("wrong", "not-the-key", []), ("empty", "", []),
        ] as [(String, String?, [(String, String)])])
    func unauthorized(_ label: String, key: String?, headers: [(String, String)]) async throws {
        try await withSimulator(SimulatorConfiguration(apiKey: "secret")) { sim in
            let submit = try await call(
                .POST, "\(sim.baseURL)/v2/\(i2v)", key: key, headers: headers, json: #"{"prompt":"a","start_image_url":"\#(image)"}"#)
            #expect(submit.status == 401, "\(label)")
            #expect((submit.json?["error"] as? String)?.isEmpty == false)
            let poll = try await call(.GET, "\(sim.baseURL)/v2/requests/abc/status", key: key, headers: headers)
            #expect(poll.status == 401, "\(label)")
            #expect(await sim.submissionCount() == 0)
        }
    }

    @Test("The configured key is accepted; without --api-key any non-empty key is")
    func acceptedKeys() async throws {
        try await withSimulator(SimulatorConfiguration(apiKey: "secret")) { sim in
            let reply = try await call(
                .POST, "\(sim.baseURL)/v2/\(i2v)", key: "secret", json: #"{"prompt":"a [fail]","start_image_url":"\#(image)"}"#)
            #expect(reply.status == 200)
        }
        try await withSimulator { sim in
            let reply = try await call(
                .POST, "\(sim.baseURL)/v2/\(i2v)", key: "anything", json: #"{"prompt":"a [fail]","start_image_url":"\#(image)"}"#)
            #expect(reply.status == 200)
        }
    }

    @Test(
        "400 for missing, unknown, wrongly typed and out-of-set parameters",
        arguments: [
            ("kling-o1-image-to-video", #"{"start_image_url":"\#(image)"}"#, "prompt"),
            ("kling-o1-image-to-video", #"{"prompt":"a"}"#, "start_image_url"),
            ("kling-o1-image-to-video", #"{"prompt":"a","start_image_url":"\#(image)","duration":7}"#, "duration"),
            ("kling-o1-image-to-video", #"{"prompt":"a","start_image_url":"\#(image)","seed":3}"#, "seed"),
            ("kling-o1-image-to-video", #"{"prompt":"a","start_image_url":"not a url"}"#, "start_image_url"),
            ("kling-o1-image-to-video", #"{"prompt":5,"start_image_url":"\#(image)"}"#, "prompt"),
            ("kling-o1-reference-image-to-video", #"{"prompt":"a","image_urls":"\#(image)"}"#, "image_urls"),
            ("kling-o1-reference-image-to-video", #"{"prompt":"a","image_urls":[]}"#, "image_urls"),
            ("kling-o1-reference-image-to-video", #"{"prompt":"a","image_urls":["\#(image)"],"aspect_ratio":"auto"}"#, "aspect_ratio"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"a"}"#, "video_url"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"a","video_url":"\#(image)","keep_audio":"yes"}"#, "keep_audio"),
            ("kling-o1-video-to-video-reference", #"{"prompt":"a","video_url":"\#(image)","aspect_ratio":"4:3"}"#, "aspect_ratio"),
            ("kling-o1", #"{"prompt":"a","image_urls":["\#(image)"],"output_format":"webp"}"#, "output_format"),
            ("kling-o1", #"{"prompt":"a","image_urls":["\#(image)"],"resolution":"2K"}"#, "resolution"),
            ("kling-o1", #"{"prompt":"a"}"#, "image_urls"),
            ("kling-o3-image2video", #"{"prompt":"a","image_url":"\#(image)","duration":"16"}"#, "duration"),
            ("kling-o3-image2video", #"{"prompt":"a","image_url":"\#(image)","duration":"2"}"#, "duration"),
            ("kling-o3-image2video", #"{"prompt":"a","image_url":"\#(image)","mode":"turbo"}"#, "mode"),
            ("kling-o3-image2video", #"{"prompt":"a","image_url":"\#(image)","generate_audio":1}"#, "generate_audio"),
            ("kling-o3-image2video", #"{"prompt":"a","image_url":"\#(image)","multi_prompt":[{"text":"x"}]}"#, "multi_prompt"),
            ("kling-o3-image2video", #"{"prompt":"a"}"#, "image_url"),
            ("kling-o3-image2video", #"[1,2]"#, "JSON object"),
        ])
    func badParameters(slug: String, body: String, named: String) async throws {
        try await withSimulator { sim in
            for version in ["v1", "v2"] {
                let reply = try await call(.POST, "\(sim.baseURL)/\(version)/\(slug)", json: body)
                #expect(reply.status == 400, "\(slug) \(body)")
                let message = try #require(reply.json?["error"] as? String)
                #expect(message.contains(named), "\(message)")
            }
            #expect(await sim.submissionCount() == 0)
        }
    }

    @Test("Valid bodies are accepted: durations as numbers or strings, defaults, null optionals")
    func validBodies() async throws {
        let bodies: [(String, String)] = [
            (i2v, #"{"prompt":"a [fail]","start_image_url":"\#(image)","duration":"10"}"#),
            (i2v, #"{"prompt":"a [fail]","start_image_url":"\#(image)","duration":5,"end_image_url":null}"#),
            ("kling-o1-reference-image-to-video", #"{"prompt":"@Image1 [fail]","image_urls":["\#(image)"],"elements":null}"#),
            (
                "kling-o3-image2video",
                #"{"prompt":"[fail]","image_url":"\#(image)","duration":"15","mode":"std","generate_audio":true,"multi_prompt":[{"prompt":"x","duration":"3"}],"shot_type":"customize"}"#
            ),
            ("kling-o1", #"{"prompt":"[fail]","image_urls":["\#(image)"],"aspect_ratio":"auto","output_format":"jpg","resolution":"1K"}"#),
        ]
        try await withSimulator { sim in
            for (slug, body) in bodies {
                let reply = try await submitV2(sim, slug, body)
                #expect(reply.status == 200, "\(slug): \(reply.text)")
            }
            #expect(await sim.submissionCount() == 5)
            #expect(await sim.submissionCount(slug: i2v) == 2)
        }
    }

    @Test("Submit body carries the request id and absolute poll, status and response URLs")
    func submitBody() async throws {
        try await withSimulator { sim in
            let reply = try await submitV2(sim, i2v, #"{"prompt":"x [fail]","start_image_url":"\#(image)"}"#)
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            let json = try #require(reply.json)
            let id = try #require(json["request_id"] as? String)
            #expect(json["status"] as? String == "QUEUED")
            #expect(json["status_url"] as? String == "\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(json["response_url"] as? String == "\(sim.baseURL)/v2/requests/\(id)")
            let pollURL = try #require(json["poll_url"] as? String)
            #expect(pollURL.hasPrefix(sim.baseURL))
            let poll = try await call(.GET, pollURL)
            #expect(poll.json?["request_id"] as? String == id)
        }
    }

    @Test("404 for an unknown model and an unknown request id")
    func notFound() async throws {
        try await withSimulator { sim in
            let model = try await call(.POST, "\(sim.baseURL)/v2/kling-nonexistent", json: #"{"prompt":"a"}"#)
            #expect(model.status == 404)
            #expect((model.json?["error"] as? String)?.contains("kling-nonexistent") == true)
            for path in ["/v2/requests/0000/status", "/v2/requests/0000"] {
                let reply = try await call(.GET, sim.baseURL + path)
                #expect(reply.status == 404)
                #expect(reply.json?["error"] as? String == "Request 0000 not found")
            }
        }
    }

    @Test("405 with an HTML body for a wrong method")
    func wrongMethod() async throws {
        try await withSimulator { sim in
            for (method, path) in [
                (HTTPMethod.GET, "/v2/\(i2v)"), (.GET, "/v1/\(i2v)"), (.POST, "/v2/requests/abc/status"), (.DELETE, "/v2/requests/abc"),
            ] {
                let reply = try await call(method, sim.baseURL + path)
                #expect(reply.status == 405, "\(method) \(path)")
                #expect(reply.header("content-type")?.hasPrefix("text/html") == true)
                #expect(reply.text.contains("<html>"))
            }
        }
    }

    @Test("406 Invalid content type for a non-JSON body")
    func invalidContentType() async throws {
        try await withSimulator { sim in
            let plain = try await call(.POST, "\(sim.baseURL)/v2/\(i2v)", json: #"{"prompt":"a"}"#, contentType: "text/plain")
            #expect(plain.status == 406)
            #expect((plain.json?["error"] as? String)?.hasPrefix("Invalid content type") == true)
            let garbage = try await call(.POST, "\(sim.baseURL)/v2/\(i2v)", json: "prompt=a")
            #expect(garbage.status == 406)
            #expect((garbage.json?["error"] as? String)?.hasPrefix("Invalid content type") == true)
        }
    }

    @Test("406 Insufficient credits names balance and cost; a failed job is refunded")
    func insufficientCredits() async throws {
        // The refund shows once the FAILED job's latency has passed; 120 s leaves time for a loaded machine.
        try await withSimulator(SimulatorConfiguration(latency: 120, credits: 1.0)) { sim in
            let first = try await submitV2(sim, i2v, #"{"prompt":"[fail]","start_image_url":"\#(image)"}"#)
            #expect(first.status == 200)
            #expect(await sim.remainingCredits() == 0.088)
            let second = try await submitV2(sim, i2v, #"{"prompt":"x","start_image_url":"\#(image)"}"#)
            #expect(second.status == 406)
            let message = try #require(second.json?["error"] as? String)
            #expect(message.hasPrefix("Insufficient credits"))
            #expect(message.contains("0.088") && message.contains("0.912"), "\(message)")
            #expect(await sim.submissionCount() == 1)
        }
        try await withSimulator(SimulatorConfiguration(credits: 1.0)) { sim in
            let first = try await submitV2(sim, i2v, #"{"prompt":"[fail]","start_image_url":"\#(image)"}"#)
            let id = try #require(first.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            #expect(await sim.remainingCredits() == 1.0)
        }
    }

    @Test("429 carries x-rate-limit-reset-at-utc in the future and no Retry-After")
    func rateLimited() async throws {
        var faults = FaultSpec()
        faults.rateLimited = 1
        try await withSimulator(SimulatorConfiguration(faults: faults)) { sim in
            let sent = Date()
            let reply = try await submitV2(sim, i2v, #"{"prompt":"x","start_image_url":"\#(image)"}"#)
            #expect(reply.status == 429)
            #expect(reply.header("retry-after") == nil)
            let stamp = try #require(reply.header("x-rate-limit-reset-at-utc"))
            let formatter = ISO8601DateFormatter()
            let reset = try #require(formatter.date(from: stamp), "\(stamp)")
            #expect(reset >= sent.addingTimeInterval(1) && reset < Date().addingTimeInterval(5), "reset \(stamp)")
            #expect(await sim.submissionCount() == 0)
        }
    }

    @Test("Injected 500 never accepts; 502 and 504 accept some submits, and the count says which")
    func injectedServerErrors() async throws {
        for (code, key) in [(500, "500"), (502, "502"), (504, "504")] {
            let faults = try FaultSpec(parsing: "\(key)=1")
            try await withSimulator(SimulatorConfiguration(faults: faults)) { sim in
                for _ in 0..<12 {
                    let reply = try await submitV2(sim, i2v, #"{"prompt":"x [fail]","start_image_url":"\#(image)"}"#)
                    #expect(reply.status == code)
                    #expect(reply.json?["error"] != nil)
                }
                let accepted = await sim.submissionCount()
                if code == 500 {
                    #expect(accepted == 0)
                } else {
                    #expect(accepted > 0 && accepted < 12, "\(code): \(accepted) of 12 accepted")
                }
                let poll = try await call(.GET, "\(sim.baseURL)/v2/requests/x/status")
                #expect(poll.status == code)
            }
        }
    }

    @Test("A drop fault closes the connection without a response; a dropped submit may have been accepted")
    func droppedConnection() async throws {
        let faults = try FaultSpec(parsing: "drop=1")
        try await withSimulator(SimulatorConfiguration(faults: faults)) { sim in
            await #expect(throws: (any Error).self) {
                _ = try await call(.GET, "\(sim.baseURL)/v2/requests/x/status")
            }
            let log = await sim.requestLog()
            #expect(log.count == 1 && log[0].status == nil && log[0].fault == "drop")
            for _ in 0..<12 {
                await #expect(throws: (any Error).self) {
                    _ = try await submitV2(sim, i2v, #"{"prompt":"x [fail]","start_image_url":"\#(image)"}"#)
                }
            }
            let accepted = await sim.submissionCount()
            #expect(accepted > 0 && accepted < 12, "\(accepted) of 12 dropped submits accepted")
        }
    }

    @Test("A prompt with [fail] ends FAILED as HTTP 422 on status and result, with no billing metrics")
    func failedJob() async throws {
        try await withSimulator { sim in
            let submit = try await submitV2(sim, i2v, #"{"prompt":"boom [fail]","start_image_url":"\#(image)"}"#)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            let json = try #require(status.json)
            #expect(json["status"] as? String == "FAILED")
            #expect(json["request_id"] as? String == id)
            #expect((json["error"] as? String)?.contains("[fail]") == true)
            let metrics = try #require(json["metrics"] as? [String: Any])
            #expect(metrics["inference_time"] != nil && metrics["cost"] == nil)
            let result = try await call(.GET, "\(sim.baseURL)/v2/requests/\(id)")
            #expect(result.status == 422)
            #expect(result.json?["status"] as? String == "FAILED")
            let v1 = try await call(.POST, "\(sim.baseURL)/v1/\(i2v)", json: #"{"prompt":"boom [fail]","start_image_url":"\#(image)"}"#)
            #expect(v1.status == 422)
            #expect(v1.json?["status"] as? String == "FAILED")
            #expect(await sim.remainingCredits() == 1000)
        }
    }

    @Test("The fail rate fails accepted jobs")
    func failRate() async throws {
        let faults = try FaultSpec(parsing: "fail=1")
        try await withSimulator(SimulatorConfiguration(faults: faults)) { sim in
            let submit = try await submitV2(sim, i2v, #"{"prompt":"fine","start_image_url":"\#(image)"}"#)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            #expect((status.json?["error"] as? String)?.contains("injected") == true)
        }
    }

    @Test("QUEUED for the first third of the latency, then PROCESSING, then terminal after the latency")
    func statusTimeline() async throws {
        try await withSimulator(SimulatorConfiguration(latency: 3)) { sim in
            let submitSent = Date()
            let submit = try await submitV2(sim, i2v, #"{"prompt":"[fail]","start_image_url":"\#(image)"}"#)
            let submitAnswered = Date()
            let statusURL = try #require(submit.json?["status_url"] as? String)
            let polls = try await timedPolls(statusURL)
            expectTimeline(polls, submitSent: submitSent, submitAnswered: submitAnswered, latency: 3, terminal: "FAILED")
            #expect(polls.contains { $0.status == "PROCESSING" })
        }
    }

    @Test("Records expire after the TTL: status and result answer 404 Request <id> not found")
    func expiry() async throws {
        let ttl = 3.0
        try await withSimulator(SimulatorConfiguration(ttl: ttl)) { sim in
            let submitSent = Date()
            let submit = try await submitV2(sim, i2v, #"{"prompt":"[fail]","start_image_url":"\#(image)"}"#)
            let submitAnswered = Date()
            let id = try #require(submit.json?["request_id"] as? String)
            let live = try await call(.GET, "\(sim.baseURL)/v2/requests/\(id)/status")
            if Date().timeIntervalSince(submitSent) < ttl {
                #expect(live.status == 200 || live.status == 422, "a live record answers")
            }
            try await Task.sleep(until: .now + .seconds(ttl + 0.3 - Date().timeIntervalSince(submitAnswered)), clock: .continuous)
            for path in ["/v2/requests/\(id)/status", "/v2/requests/\(id)"] {
                let reply = try await call(.GET, sim.baseURL + path)
                #expect(reply.status == 404)
                #expect(reply.json?["error"] as? String == "Request \(id) not found")
            }
        }
    }

    @Test("expireAllRequests forgets records at once")
    func expireHook() async throws {
        try await withSimulator { sim in
            let submit = try await submitV2(sim, i2v, #"{"prompt":"[fail]","start_image_url":"\#(image)"}"#)
            let id = try #require(submit.json?["request_id"] as? String)
            await sim.expireAllRequests()
            #expect(try await call(.GET, "\(sim.baseURL)/v2/requests/\(id)/status").status == 404)
        }
    }

    @Test("An unreachable input URL ends the job FAILED naming the parameter and the URL")
    func unreachableInput() async throws {
        try await withSimulator(SimulatorConfiguration(scale: 0.125, inputTimeout: 1)) { sim in
            let submit = try await submitV2(sim, i2v, #"{"prompt":"x","start_image_url":"http://127.0.0.1:9/missing.png"}"#)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            let message = try #require(status.json?["error"] as? String)
            #expect(message.contains("start_image_url") && message.contains("http://127.0.0.1:9/missing.png"), "\(message)")
        }
    }

    @Test("An input that is not an image or a video ends the job FAILED")
    func notAnImage() async throws {
        let dir = TestCorpus.shared.scratchDirectory("sim-not-image")
        try Data("hello, not a picture".utf8).write(to: dir.appendingPathComponent("notes.png"))
        let inputs = try await InputServer.start(directory: dir)
        defer { Task { await inputs.stop() } }
        try await withSimulator { sim in
            let submit = try await submitV2(sim, i2v, #"{"prompt":"x","start_image_url":"\#(inputs.url("notes.png"))"}"#)
            let id = try #require(submit.json?["request_id"] as? String)
            let (status, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(id)/status")
            #expect(status.status == 422)
            #expect((status.json?["error"] as? String)?.contains("not an image or a video") == true)
            let missing = try await submitV2(sim, i2v, #"{"prompt":"x","start_image_url":"\#(inputs.url("absent.png"))"}"#)
            let missingID = try #require(missing.json?["request_id"] as? String)
            let (missingStatus, _) = try await pollUntilTerminal("\(sim.baseURL)/v2/requests/\(missingID)/status")
            #expect((missingStatus.json?["error"] as? String)?.contains("HTTP 404") == true)
        }
        await inputs.stop()
    }

    @Test("Same seed, same fault sequence; another seed, another sequence")
    func determinism() async throws {
        let faults = try FaultSpec(parsing: "500=0.15,502=0.15,504=0.1,429=0.15,drop=0.1,fail=0.3")
        func run(seed: UInt64) async throws -> ([String], Int) {
            try await withSimulator(SimulatorConfiguration(faults: faults, seed: seed, inputTimeout: 0.5)) { sim in
                for i in 0..<16 {
                    _ = try? await submitV2(sim, i2v, #"{"prompt":"shot \#(i)","start_image_url":"http://127.0.0.1:9/x.png"}"#)
                    _ = try? await call(.GET, "\(sim.baseURL)/v2/requests/none/status")
                }
                return (await sim.requestLog().map(\.description), await sim.submissionCount())
            }
        }
        let a = try await run(seed: 7)
        let b = try await run(seed: 7)
        let c = try await run(seed: 8)
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.0 != c.0)
        #expect(Set(a.0.map { $0.components(separatedBy: " -> ")[1] }).count >= 4, "\(a.0)")
    }

    @Test("Fault specs parse and reject bad input", arguments: ["500=2", "teapot=0.1", "500", "500=0.6,502=0.6", "drop=-1"])
    func badFaultSpec(_ text: String) {
        #expect(throws: SimulatorError.self) { try FaultSpec(parsing: text) }
    }

    @Test("A fault spec round-trips through its description")
    func faultSpecRoundTrip() throws {
        let spec = try FaultSpec(parsing: "500=0.05,502=0.05,504=0.02,429=0.05,drop=0.02,fail=0.05,truncate=0.02")
        #expect(spec.internalError == 0.05 && spec.truncate == 0.02 && spec.fail == 0.05)
        #expect(try FaultSpec(parsing: spec.description) == spec)
        #expect(try FaultSpec(parsing: "") == FaultSpec())
    }
}
