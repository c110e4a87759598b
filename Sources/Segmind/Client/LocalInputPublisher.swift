/// Makes local input files fetchable by URL (a frame server, an upload) so a request naming them can be sent.
///
/// The `Segmind` module serves nothing itself: the caller supplies an implementation (the command-line tool uses its
/// in-process `FrameServer`). `withPublishedInputs(of:_:)` publishes a request's local inputs, runs the work with the
/// URLs in the body, and withdraws them afterwards.
public protocol LocalInputPublisher: Sendable {
    /// Publishes one local file and returns the absolute http(s) URL the service should fetch it from.
    func publish(_ input: LocalInput) async throws -> String
    /// Withdraws a URL that `publish(_:)` returned; afterwards the service can no longer fetch it.
    func unpublish(_ url: String) async
}

extension LocalInputPublisher {
    /// Publishes every local input of `request` (in the order given), runs `body` with the request whose body names
    /// their URLs, and unpublishes them when `body` returns or throws (or when a later publication fails).
    ///
    /// Call it around everything that needs the files reachable: for a v2 job that is the submit and the wait, since
    /// the service fetches inputs while the job is queued or processing.
    /// - Throws: what `publish` or `body` throws; `SegmindError.configuration` when `publish` returns something that
    ///   is not an http(s) URL.
    public func withPublishedInputs<Result: Sendable>(
        of request: ValidatedRequest, _ body: (ValidatedRequest) async throws -> Result
    ) async throws -> Result {
        let (published, urls) = try await publishInputs(of: request)
        do {
            let result = try await body(published)
            for url in urls { await unpublish(url) }
            return result
        } catch {
            for url in urls { await unpublish(url) }
            throw error
        }
    }

    /// Publishes every local input of `request` (in the order given) and returns the request whose body names their
    /// URLs, with those URLs; the caller unpublishes them when the job no longer needs them. When one publication
    /// fails, the ones before it are withdrawn.
    ///
    /// - Throws: what `publish` throws; `SegmindError.configuration` when it returns something that is not an
    ///   http(s) URL.
    public func publishInputs(of request: ValidatedRequest) async throws -> (request: ValidatedRequest, urls: [String]) {
        var urls: [String] = []
        do {
            for input in request.localInputs {
                let url = try await publish(input)
                urls.append(url)
                if let problem = URLCheck.problem(url) {
                    throw SegmindError.configuration("\(input.parameter): \(input.path) was published as an unusable URL: \(problem)")
                }
            }
            return (request.replacingLocalInputs(with: urls), urls)
        } catch {
            for url in urls { await unpublish(url) }
            throw error
        }
    }
}

extension ValidatedRequest {
    /// The request with `urls[i]` standing in for `localInputs[i]` and no local inputs left.
    ///
    /// A `url` parameter gets its URL; a `url-list` parameter gets the URLs appended after the URLs already in it, in
    /// the order the files were given.
    /// - Precondition: `urls.count == localInputs.count`.
    public func replacingLocalInputs(with urls: [String]) -> ValidatedRequest {
        precondition(urls.count == localInputs.count, "one URL per local input")
        var body = self.body
        for (input, url) in zip(localInputs, urls) {
            if model.parameter(input.parameter)?.type == .urlList {
                var list: [JSONValue] = []
                switch body[input.parameter] {
                case .array(let items)?: list = items
                case .string(let s)?: list = [.string(s)]
                default: break
                }
                body[input.parameter] = .array(list + [.string(url)])
            } else {
                body[input.parameter] = .string(url)
            }
        }
        return ValidatedRequest(model: model, body: body, localInputs: [], estimatedUSD: estimatedUSD)
    }
}
