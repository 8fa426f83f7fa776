import HTTPTypes
import Hummingbird
import VectorLogicJSON
import VectorLogicAccess

/// The rate limits of docs/api.md "Conventions" for one request: the client address's general bucket, its search bucket
/// for `RateClass.search` routes, the authenticated key's own per-minute bucket, and a bucket of failed
/// authentications per address. A limited request gets 429 `rate_limited` with `Retry-After` and the
/// `RateLimit-Limit/Remaining/Reset` headers; allowed answers carry the `RateLimit-*` headers too.
///
/// The buckets live in this process (`RateLimiter`, the default) or in Redis (`shared`, `--rate-limit-store`), where
/// all of a request's buckets are checked in one round trip.
struct RequestLimits: Sendable {
    let limiter: RateLimiter
    /// Per-key buckets: always a one-minute window, whatever `--rate-limit-window-ms` says.
    let keyLimiter = RateLimiter(windowMilliseconds: RequestLimits.keyWindowMilliseconds)
    /// Failed authentications per client address: a one-minute window.
    let failureLimiter = RateLimiter(windowMilliseconds: RequestLimits.keyWindowMilliseconds)
    /// The Redis-backed buckets, when configured (then the three limiters above are unused).
    let shared: SharedRateLimitStore?
    let perClient: Int
    let searchPerClient: Int
    let authFailuresPerClient: Int
    let windowMilliseconds: Int
    let metrics: ServerMetrics
    private let origin = ContinuousClock.now

    static let keyWindowMilliseconds = 60_000
    static let limitHeader = HTTPField.Name("RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("RateLimit-Reset")!

    init(configuration: ServerConfiguration, metrics: ServerMetrics, shared: SharedRateLimitStore? = nil) {
        limiter = RateLimiter(windowMilliseconds: configuration.rateLimitWindowMilliseconds)
        perClient = configuration.rateLimitPerClient
        searchPerClient = configuration.searchRateLimitPerClient
        authFailuresPerClient = configuration.authFailuresPerClient
        windowMilliseconds = configuration.rateLimitWindowMilliseconds
        self.metrics = metrics
        self.shared = shared
    }

    private var now: UInt64 {
        let elapsed = ContinuousClock.now - origin
        return UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    /// Takes the tokens `rateClass` costs, or throws 429. Nil: no bucket applies (no headers to add), or the shared
    /// store did not answer and fails open.
    func charge(_ rateClass: RateClass, context: AppRequestContext) async throws -> RateLimiter.Decision? {
        guard let shared else {
            return try chargeLocally(rateClass, client: context.clientAddress, keyID: context.apiKeyID, keyLimit: context.apiKeyRateLimit)
        }
        guard let (charges, keyCharge) = Self.charges(rateClass, perClient: perClient, searchPerClient: searchPerClient,
                                                      client: context.clientAddress, keyID: context.apiKeyID,
                                                      keyLimit: context.apiKeyRateLimit) else { return nil }
        // One round trip for every bucket; key buckets are named by key id, address buckets carry the window.
        var buckets = charges.map { SharedRateLimitStore.Bucket(key: "\($0.key) \(windowMilliseconds)", limit: $0.limit,
                                                                 windowMilliseconds: windowMilliseconds) }
        if let keyCharge {
            buckets.insert(.init(key: "key " + keyCharge.key, limit: keyCharge.limit, windowMilliseconds: Self.keyWindowMilliseconds), at: 0)
        }
        return try judged(try await shared.take(buckets), rateClass)
    }

    /// `charge` against the in-process buckets (no shared store), without suspending: `SearchLane` calls it on the
    /// event loop. Throws `AccessDenied` (429) when a bucket is empty.
    func chargeLocally(_ rateClass: RateClass, client: String, keyID: String?, keyLimit: Int) throws -> RateLimiter.Decision? {
        precondition(shared == nil, "the shared store's buckets are charged through charge(_:context:)")
        guard let (charges, keyCharge) = Self.charges(rateClass, perClient: perClient, searchPerClient: searchPerClient,
                                                      client: client, keyID: keyID, keyLimit: keyLimit) else { return nil }
        return try judged(localDecision(charges, keyCharge: keyCharge), rateClass)
    }

    /// The address buckets and the key bucket a request of `rateClass` draws from; nil when none applies.
    private static func charges(_ rateClass: RateClass, perClient: Int, searchPerClient: Int, client address: String, keyID: String?,
                                keyLimit: Int) -> ([RateLimiter.Charge], RateLimiter.Charge?)? {
        guard rateClass != .unlimited, perClient > 0 || searchPerClient > 0 || keyID != nil else { return nil }
        let client = RateLimiter.clientKey(address)
        var charges: [RateLimiter.Charge] = []
        if perClient > 0 { charges.append(.init(key: "ip " + client, limit: perClient)) }
        if rateClass == .search && searchPerClient > 0 { charges.append(.init(key: "search " + client, limit: searchPerClient)) }
        let keyCharge = keyID.map { RateLimiter.Charge(key: $0, limit: max(1, keyLimit)) }
        guard !charges.isEmpty || keyCharge != nil else { return nil }
        return (charges, keyCharge)
    }

    /// The decision, or a 429 (counted) when it refuses.
    private func judged(_ decision: RateLimiter.Decision?, _ rateClass: RateClass) throws -> RateLimiter.Decision? {
        guard let decision else { return nil }
        guard decision.allowed else {
            metrics.recordRateLimited(endpointClass: rateClass == .search ? "search" : "other")
            throw AccessDenied(Self.limited(decision))
        }
        return decision
    }

    /// The in-process check: the key's bucket first, then the address buckets (the tighter decision is reported).
    private func localDecision(_ charges: [RateLimiter.Charge], keyCharge: RateLimiter.Charge?) -> RateLimiter.Decision? {
        let now = self.now
        var decision = keyCharge.map { keyLimiter.take([$0], now: now) }
        if decision?.allowed ?? true, !charges.isEmpty {
            let clientDecision = limiter.take(charges, now: now)
            if decision == nil || !clientDecision.allowed || clientDecision.remaining < (decision?.remaining ?? .max) {
                decision = clientDecision
            }
        }
        return decision
    }

    /// The failed-authentication bucket of the request's client address.
    private func failureBucket(_ context: AppRequestContext) -> RateLimiter.Charge { failureBucket(client: context.clientAddress) }

    private func failureBucket(client: String) -> RateLimiter.Charge {
        RateLimiter.Charge(key: "auth " + RateLimiter.clientKey(client), limit: authFailuresPerClient)
    }

    /// Whether the in-process failed-authentication bucket of `client` is empty (`checkAuthFailures` would refuse);
    /// `SearchLane` leaves such a request to the router, which answers it.
    func authFailuresExhausted(client: String) -> Bool {
        precondition(shared == nil, "the shared store's buckets are read through checkAuthFailures")
        guard authFailuresPerClient > 0 else { return false }
        return !failureLimiter.peek(failureBucket(client: client), now: now).allowed
    }

    /// 429 when the client address has no failed authentications left in its bucket.
    func checkAuthFailures(context: AppRequestContext) async throws {
        guard authFailuresPerClient > 0 else { return }
        let charge = failureBucket(context)
        let decision: RateLimiter.Decision?
        if let shared {
            decision = try await shared.peek(.init(key: charge.key, limit: charge.limit, windowMilliseconds: Self.keyWindowMilliseconds))
        } else {
            decision = failureLimiter.peek(charge, now: now)
        }
        guard let decision, !decision.allowed else { return }
        metrics.recordRateLimited(endpointClass: "auth_failure")
        throw AccessDenied(Self.limited(decision))
    }

    /// Counts one failed authentication; a 429 when that used up the address's last one.
    func recordAuthFailure(context: AppRequestContext) async -> AccessDenied? {
        guard authFailuresPerClient > 0 else { return nil }
        let charge = failureBucket(context)
        let decision: RateLimiter.Decision?
        if let shared {
            do {
                decision = try await shared.take([.init(key: charge.key, limit: charge.limit, windowMilliseconds: Self.keyWindowMilliseconds)])
            } catch let denied as AccessDenied {
                return denied
            } catch {
                return nil
            }
        } else {
            decision = failureLimiter.take([charge], now: now)
        }
        guard let decision, !decision.allowed else { return nil }
        metrics.recordRateLimited(endpointClass: "auth_failure")
        return AccessDenied(Self.limited(decision))
    }

    private static func limited(_ decision: RateLimiter.Decision) -> APIError {
        var error = APIError(
            .tooManyRequests, "rate_limited",
            "too many requests: at most \(decision.limit) in the window; retry in \(decision.retryAfterSeconds) s",
            details: .object(JSONObject([("limit", .number(Double(decision.limit))),
                                         ("retry_after_seconds", .number(Double(decision.retryAfterSeconds)))])))
        error.headers[.retryAfter] = String(decision.retryAfterSeconds)
        addHeaders(decision, to: &error.headers)
        return error
    }

    static func addHeaders(_ decision: RateLimiter.Decision, to headers: inout HTTPFields) {
        headers[limitHeader] = String(decision.limit)
        headers[remainingHeader] = String(decision.remaining)
        headers[resetHeader] = String(decision.resetSeconds)
    }
}
