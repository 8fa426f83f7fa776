import HTTPTypes
import Hummingbird
import VectorLogicJSON

/// Per-client-IP limits (api.md "Rate limits"): every route but `/health`, `/ready` and `/metrics` takes a token from
/// the client's bucket, and search routes also from the client's (lower) search bucket. A limited request gets 429
/// `rate_limited` with `Retry-After` and the `RateLimit-Limit/Remaining/Reset` headers and reaches no handler, so it
/// changes nothing; allowed answers carry the `RateLimit-*` headers too. An authenticated request also takes a token
/// from its key's bucket (the key's `rate_limit_per_minute`, per minute).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: RateLimiter
    /// Per-key buckets: always a one-minute window, whatever `--rate-limit-window-ms` says.
    let keyLimiter = RateLimiter(windowMilliseconds: 60_000)
    let perClient: Int
    let searchPerClient: Int
    let metrics: ServerMetrics
    private let origin = ContinuousClock.now

    static let limitHeader = HTTPField.Name("RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("RateLimit-Reset")!

    init(configuration: ServerConfiguration, metrics: ServerMetrics) {
        limiter = RateLimiter(windowMilliseconds: configuration.rateLimitWindowMilliseconds)
        perClient = configuration.rateLimitPerClient
        searchPerClient = configuration.searchRateLimitPerClient
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !RoutePermission.operationsPaths.contains(path) else { return try await next(request, context) }
        let client = context.clientAddress
        let isSearch = path.hasSuffix("/search")
        var charges: [RateLimiter.Charge] = []
        if perClient > 0 { charges.append(.init(key: "ip " + client, limit: perClient)) }
        if isSearch && searchPerClient > 0 { charges.append(.init(key: "search " + client, limit: searchPerClient)) }
        let keyCharge = context.apiKeyID.map { RateLimiter.Charge(key: $0, limit: max(1, context.apiKeyRateLimit)) }
        guard !charges.isEmpty || keyCharge != nil else { return try await next(request, context) }
        let elapsed = ContinuousClock.now - origin
        let now = UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        var decision = keyCharge.map { keyLimiter.take([$0], now: now) }
        if decision?.allowed ?? true, !charges.isEmpty {
            let clientDecision = limiter.take(charges, now: now)
            if decision == nil || !clientDecision.allowed || clientDecision.remaining < (decision?.remaining ?? .max) {
                decision = clientDecision
            }
        }
        guard let decision else { return try await next(request, context) }
        guard decision.allowed else {
            metrics.recordRateLimited(endpointClass: isSearch ? "search" : "other")
            var error = APIError(
                .tooManyRequests, "rate_limited",
                "too many requests: at most \(decision.limit) in the window; retry in \(decision.retryAfterSeconds) s",
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
