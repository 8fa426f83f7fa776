import HTTPTypes
import Hummingbird
import Logging

/// Outermost middleware: resolves the client address (`--trusted-proxies`), gives each request an id (the client's
/// `X-Request-Id` when sane, else a new one), echoes it, counts the request in the metrics under its route template,
/// and logs one line (a warning when slow).
///
/// A line names the method, route template, status, duration, request id, client address, user agent (at most
/// `maxUserAgent` characters, control characters replaced), the key id when a key was checked, and the body bytes in
/// and out. Logs never carry bodies, vectors, query strings or key secrets.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let state: ServerState
    let logger: Logger
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let forwardedForHeader = HTTPField.Name("X-Forwarded-For")!
    /// User agents are cut to this many characters: enough for any real browser's (~150), bounded against padding.
    static let maxUserAgent = 200

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.requestID = RequestLogMiddleware.requestID(from: request)
        let trusted = state.configuration.trustedProxies
        if !trusted.isEmpty {
            context.clientAddress = ForwardedClient.address(peer: context.clientAddress,
                                                            forwardedFor: request.headers[values: Self.forwardedForHeader], trusted: trusted)
        }
        var request = request
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        if declaredLength == nil, request.headers[.transferEncoding] != nil {
            request.body = Hummingbird.RequestBody(asyncSequence: CountingBody(base: request.body, facts: context.facts))
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError.from(error).response(from: request, context: context)
        }
        response.headers[RequestLogMiddleware.requestIDHeader] = context.requestID
        Self.record(state: state, logger: logger, method: request.method, route: context.endpointPath ?? "NotFound",
                    status: response.status.code, since: start, requestID: context.requestID, client: context.clientAddress,
                    bytesIn: declaredLength ?? context.facts.bytesIn, bytesOut: response.body.contentLength ?? 0,
                    userAgent: request.headers[.userAgent], keyID: context.facts.keyID)
        return response
    }

    /// Counts a finished request in the metrics and logs its line (also for the answers `SearchLane` writes itself).
    static func record(state: ServerState, logger: Logger, method: HTTPRequest.Method, route: String, status: Int,
                       since start: ContinuousClock.Instant, requestID: String, client: String, bytesIn: Int, bytesOut: Int,
                       userAgent: String?, keyID: String?) {
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        state.metrics.recordRequest(route: route, method: method.rawValue, status: status, nanoseconds: nanoseconds)
        var metadata: Logger.Metadata = [
            "method": .string(method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible(Double(nanoseconds / 1_000) / 1_000),
            "request_id": .string(requestID),
            "client": .string(client),
            "bytes_in": .stringConvertible(bytesIn),
            "bytes_out": .stringConvertible(bytesOut),
        ]
        if let userAgent { metadata["user_agent"] = .string(Self.printable(userAgent, limit: Self.maxUserAgent)) }
        if let keyID { metadata["key_id"] = .string(keyID) }
        if nanoseconds >= Int64(state.configuration.slowRequestMilliseconds) * 1_000_000 {
            logger.warning("slow request", metadata: metadata)
        } else {
            logger.info("request", metadata: metadata)
        }
    }

    /// The client's id when it is 1–128 visible ASCII characters; otherwise 16 random hex digits.
    static func requestID(from request: Request) -> String { requestID(given: request.headers[requestIDHeader]) }

    /// `given` when it is 1–128 visible ASCII characters; otherwise 16 random hex digits.
    static func requestID(given: String?) -> String {
        if let given, !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// At most `limit` characters of `text`, control characters as `?` (a log line stays one line).
    static func printable(_ text: String, limit: Int) -> String {
        String(text.prefix(limit).map { character -> Character in
            guard let code = character.asciiValue, code < 0x20 || code == 0x7F else { return character }
            return "?"
        })
    }
}

/// A request body that counts its bytes into `facts` as the handler reads them (chunked bodies declare no length).
struct CountingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: Hummingbird.RequestBody
    let facts: RequestFacts

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Hummingbird.RequestBody.AsyncIterator
        let facts: RequestFacts

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            facts.bytesIn += chunk.readableBytes
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), facts: facts) }
}
