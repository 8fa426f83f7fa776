import HTTPTypes
import Hummingbird
import VectorLogicJSON

/// Per-client-IP limits (api.md "Rate limits"): every route but `/health`, `/ready` and `/metrics` takes a token from
/// the client's bucket, and search routes also from the client's (lower) search bucket. A limited request gets 429
/// `rate_limited` with `Retry-After` and the `RateLimit-Limit/Remaining/Reset` headers and reaches no handler, so it
/// changes nothing; allowed answers carry the `RateLimit-*` headers too. Per-key limits join once API keys exist.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter
    let perClient: Int
    let searchPerClient: Int
    let windowMilliseconds: Int
    let metrics: ServerMetrics
    private let origin = ContinuousClock.now

    static let exemptPaths: Set<String> = ["/health", "/ready", "/metrics"]
    static let limitHeader = HTTPField.Name("RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("RateLimit-Reset")!

    init(configuration: ServerConfiguration, metrics: ServerMetrics) {
        limiter = RateLimiter(windowMilliseconds: configuration.rateLimitWindowMilliseconds)
        perClient = configuration.rateLimitPerClient
        searchPerClient = configuration.searchRateLimitPerClient
        windowMilliseconds = configuration.rateLimitWindowMilliseconds
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !Self.exemptPaths.contains(path) else { return try await next(request, context) }
        let client = context.clientAddress
        let isSearch = path.hasSuffix("/search")
        var charges: [RateLimiter.Charge] = []
        if perClient > 0 { charges.append(.init(key: "ip " + client, limit: perClient)) }
        if isSearch && searchPerClient > 0 { charges.append(.init(key: "search " + client, limit: searchPerClient)) }
        guard !charges.isEmpty else { return try await next(request, context) }
        let elapsed = ContinuousClock.now - origin
        let now = UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        let decision = limiter.take(charges, now: now)
        guard decision.allowed else {
            metrics.recordRateLimited(endpointClass: isSearch ? "search" : "other")
            var error = APIError(
                .tooManyRequests, "rate_limited",
                "too many requests: at most \(decision.limit) per \(windowMilliseconds) ms from this client; retry in \(decision.retryAfterSeconds) s",
                details: .object(JSONObject([("limit", .number(Double(decision.limit))),
                                             ("retry_after_seconds", .number(Double(decision.retryAfterSeconds)))])))
            error.headers[.retryAfter] = String(decision.retryAfterSeconds)
            Self.addHeaders(decision, to: &error.headers)
            throw error
        }
        var response = try await next(request, context)
        Self.addHeaders(decision, to: &response.headers)
        return response
    }

    private static func addHeaders(_ decision: RateLimiter.Decision, to headers: inout HTTPFields) {
        headers[limitHeader] = String(decision.limit)
        headers[remainingHeader] = String(decision.remaining)
        headers[resetHeader] = String(decision.resetSeconds)
    }
}
