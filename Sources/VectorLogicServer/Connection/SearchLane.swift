import FoundationEssentials
import Glibc
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import VectorLogicAccess
import VectorLogicSync

/// Answers the routes that declare a `RouteDefinition.LaneHandler` (the single search) on the connection's event loop,
/// in front of Hummingbird's router, and hands every other request to the router unchanged.
///
/// Why: a one-connection search cost ~300 µs of server CPU, of which ~90 µs was the framework's path (the request
/// crossing into an async sequence, the router, five middleware layers, the response writer) — a bare SwiftNIO
/// server answered `GET /health` in 55 µs against 147 µs (BENCHMARKS.md "Issue 9 — the search lane"). The lane runs the
/// same steps as that path, from the same functions, synchronously: the route table's route (permission, rate class,
/// metric label), `AccessPolicy.admitWithoutSuspending`, the route's own decoder and engine call, the security headers,
/// `X-Request-Id`, the log line and metrics of `RequestLogMiddleware.record`, and `Date`/`Server` as Hummingbird writes them.
///
/// It takes a request only when nothing about it needs the router: `POST` to a lane route's canonical path (no query
/// string, no percent escapes, no doubled slashes), a JSON `Content-Length` body of at most `maxBodyBytes`, no `Origin`,
/// `Expect` or `Transfer-Encoding`, an allowed `Host`, and in-process rate limits (none shared in Redis). The body is
/// held until its end; then, before anything changes, the key, the body and the search are checked, and a request
/// that fails any check — a missing or bad key, a bad body, an unknown collection, a text query, a search heavy enough
/// for a worker — is handed to the router as it arrived (head, body, end), which answers it exactly as before. After
/// the request is admitted (its rate-limit tokens taken), the lane answers it itself: 200, or the router's error
/// envelope for a 429 or an engine failure, so no request is charged twice.
///
/// Order: a client may send its next requests before the answers (pipelining), and Hummingbird answers them in turn.
/// The lane counts the requests it handed to the router and the answer ends the router wrote; while any is
/// unanswered, every request goes to the router too, so answers leave in the order the requests came. After answering a
/// request that asks to close the connection (`Connection: close`) the lane closes it, as the router does (and, like
/// the router, without adding a `Connection` header), and reads nothing more from it. While the connection cannot
/// take more output (its client is not reading), requests go to the router, which holds them back.
final class SearchLane: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What every connection's lane shares: the lane routes and the server's parts they use.
    final class Shared: Sendable {
        /// Each lane route with its template's segments and its metric label (`openAPIPath`, computed once: 1.6% of
        /// the server's CPU at one connection when built per request).
        let routes: [(route: APIRoute, segments: [Substring], label: String, handler: RouteDefinition.LaneHandler)]
        let state: ServerState
        let policy: AccessPolicy
        let origins: OriginGuardMiddleware
        let logger: Logger
        let strictTransportSecurity: Bool
        let serverName: String
        let maxBodyBytes: Int
        let date = HTTPDate()

        /// Nil when no route has a lane, or when the lane cannot decide without suspending (rate limits shared in Redis).
        init?(table: [RouteDefinition], state: ServerState, policy: AccessPolicy, logger: Logger, strictTransportSecurity: Bool,
              serverName: String) {
            guard policy.limits.shared == nil else { return nil }
            routes = table.compactMap { definition in
                definition.lane.map { (definition.route, definition.route.path.split(separator: "/"), definition.route.openAPIPath, $0) }
            }
            guard !routes.isEmpty else { return nil }
            self.state = state
            self.policy = policy
            origins = OriginGuardMiddleware(configuration: state.configuration)
            self.logger = logger
            self.strictTransportSecurity = strictTransportSecurity
            self.serverName = serverName
            maxBodyBytes = min(SearchLane.maxBodyBytes, state.configuration.maxBodyBytes)
        }
    }

    /// Bodies the lane holds at most: a 4,096-d query written with 17 significant digits is ~90 KB. Longer ones go
    /// to the router (which decodes bodies of 1 MiB and more on a worker).
    static let maxBodyBytes = 256 << 10

    private let shared: Shared
    /// The request being held: its head, route, template parameters and body so far.
    private var held: (head: HTTPRequest, start: ContinuousClock.Instant, route: Int, parameters: [Substring: Substring], body: ByteBuffer)?

    /// Requests handed to the router whose answer has not been written to its end.
    private var routerUnanswered = 0
    /// Set once the lane answered a `Connection: close` request: the connection is closing, later parts are dropped.
    private var closing = false

    init(shared: Shared) { self.shared = shared }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // While the client is not reading its answers (the channel is over its write high-water mark), requests go
            // to the router, whose response writer waits for the client and whose request stream then stops reading
            // the socket. Answered here, a pipelining client that never reads made the server read on and queue every
            // answer: +168 MB of server memory for 100,000 pipelined searches, against none through the router, which
            // stopped reading after 32 MB of requests (2026-12-04, release build, 100,000-row collection).
            if routerUnanswered == 0, context.channel.isWritable, let (route, parameters) = laneRoute(head),
               let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length <= shared.maxBodyBytes {
                held = (head, .now, route, parameters, context.channel.allocator.buffer(capacity: length))
                return
            }
            routerUnanswered += 1
            context.fireChannelRead(data)
        case .body(var part):
            guard var request = held else { return context.fireChannelRead(data) }
            // A body longer than its Content-Length cannot reach here (the HTTP decoder frames by it); bound anyway.
            guard request.body.readableBytes + part.readableBytes <= shared.maxBodyBytes else {
                handOver(context)
                return context.fireChannelRead(data)
            }
            held = nil  // the buffer's only owner is `request` while it grows (no copy on write)
            request.body.writeBuffer(&part)
            held = request
        case .end:
            guard let request = held else { return context.fireChannelRead(data) }
            if answer(context, request) {
                held = nil
            } else {
                handOver(context)
                context.fireChannelRead(data)
            }
        }
    }

    /// The router's answers pass here on their way out (the lane's own do not: they start at this handler's context).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), routerUnanswered > 0 { routerUnanswered -= 1 }
        context.write(data, promise: promise)
    }

    /// The lane route `head` asks for, with its parameters; nil when the request is not one the lane takes.
    private func laneRoute(_ head: HTTPRequest) -> (Int, [Substring: Substring])? {
        guard head.method == .post, let path = head.path, !path.contains("?"), !path.contains("%"), !path.contains("//"),
              head.headerFields[.origin] == nil, head.headerFields[.expect] == nil, head.headerFields[.transferEncoding] == nil,
              let type = head.headerFields[.contentType], RequestBody.isJSON(type) else { return nil }
        if let authority = head.authority, !shared.origins.allows(authority) { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        routes: for (index, lane) in shared.routes.enumerated() where lane.route.method == head.method && lane.segments.count == segments.count {
            var parameters: [Substring: Substring] = [:]
            for (template, segment) in zip(lane.segments, segments) {
                if template.hasPrefix(":") {
                    guard !segment.isEmpty else { continue routes }
                    parameters[template.dropFirst()] = segment
                } else if template != segment {
                    continue routes
                }
            }
            return (index, parameters)
        }
        return nil
    }

    /// Answers the held request; false (nothing changed, nothing written) to hand it to the router.
    private func answer(_ context: ChannelHandlerContext, _ request: (head: HTTPRequest, start: ContinuousClock.Instant, route: Int,
                                                                     parameters: [Substring: Substring], body: ByteBuffer)) -> Bool {
        let lane = shared.routes[request.route]
        let headers = request.head.headerFields
        var client = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let trusted = shared.state.configuration.trustedProxies
        if !trusted.isEmpty {
            client = ForwardedClient.address(peer: client, forwardedFor: headers[values: RequestLogMiddleware.forwardedForHeader], trusted: trusted)
        }
        guard let work = try? lane.handler(request.parameters, request.body) else { return false }
        let status: HTTPResponse.Status
        var fields = HTTPFields()
        let bytes: [UInt8]
        var keyID: String?
        do {
            // Admission may throw a 429; the router's path charges exactly the same buckets (`AccessPolicy.guarded`).
            guard let admitted = try shared.policy.admitWithoutSuspending(lane.route, headers: headers, client: client) else { return false }
            keyID = admitted.key?.id
            do {
                bytes = try work()
                status = .ok
                if let decision = admitted.decision { RequestLimits.addHeaders(decision, to: &fields) }
            } catch {
                (status, bytes) = Self.failure(APIError.from(error), into: &fields)
            }
        } catch let denied as AccessDenied {
            (status, bytes) = Self.failure(denied.apiError, into: &fields)
        } catch {
            (status, bytes) = Self.failure(APIError.from(error), into: &fields)
        }
        let requestID = RequestLogMiddleware.requestID(given: headers[RequestLogMiddleware.requestIDHeader])
        fields[.contentType] = JSONResponse.contentType
        fields[.contentLength] = String(bytes.count)
        fields[RequestLogMiddleware.requestIDHeader] = requestID
        // A lane route needs a key (when auth is on), so its answers are never cached: `keyed` as in `guarded`.
        SecurityHeadersMiddleware.apply(to: &fields, keyed: lane.route.permission != nil || SecurityHeadersMiddleware.presentsKey(headers: headers),
                                        strictTransportSecurity: shared.strictTransportSecurity)
        fields[.date] = shared.date.now()
        fields[.server] = shared.serverName
        // Logged and counted before the answer is written, as `RequestLogMiddleware` does (a client that has its answer
        // finds the line written).
        shared.state.metrics.recordLaneAnswer()
        RequestLogMiddleware.record(state: shared.state, logger: shared.logger, method: request.head.method,
                                    route: lane.label, status: status.code, since: request.start, requestID: requestID,
                                    client: client, bytesIn: request.body.readableBytes, bytesOut: bytes.count,
                                    userAgent: headers[.userAgent], keyID: keyID)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: bytes))), promise: nil)
        if headers[.connection]?.lowercased().contains("close") == true {
            closing = true
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        return true
    }

    /// The error envelope the router writes for `error` (`APIError.response`): its status, headers and body.
    private static func failure(_ error: APIError, into fields: inout HTTPFields) -> (HTTPResponse.Status, [UInt8]) {
        for field in error.headers { fields.append(field) }
        return (error.status, error.body)
    }

    /// Passes the held head and body to the router as they arrived (the caller passes the part in hand after them).
    private func handOver(_ context: ChannelHandlerContext) {
        guard let request = held else { return }
        held = nil
        routerUnanswered += 1
        context.fireChannelRead(wrapInboundOut(.head(request.head)))
        if request.body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(request.body))) }
    }
}

/// The `Date` header (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), formatted once a second.
final class HTTPDate: Sendable {
    private let cache = Locked<(second: Int64, text: String)>((-1, ""))

    /// The current time's header value.
    func now() -> String {
        let second = Int64(Date().timeIntervalSince1970.rounded(.down))
        return cache.withLock { cached in
            if cached.second != second { cached = (second, Self.format(second)) }
            return cached.text
        }
    }

    /// Formats seconds since the Unix epoch.
    static func format(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[Int(parts.tm_wday) % 7]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon) % 12]) \(1900 + parts.tm_year) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
