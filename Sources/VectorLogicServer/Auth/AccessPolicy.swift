import HTTPTypes
import Hummingbird
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicAccess

/// Authentication, permission and rate limits for one matched route (docs/api.md "Conventions"; README "API keys",
/// "Rate limits"), run in front of the route's handler.
///
/// The route's `APIRoute` is captured when the route is registered, so what a request needs depends only on the
/// route the router chose — never on how the path was spelled (issue 8 §1).
///
/// Order: an open route (`permission == nil`) skips authentication; otherwise a client address that has failed to
/// authenticate too often gets 429 before its key is even looked at; then the key (401 when missing, unknown, revoked
/// or expired — each failure counted against the address), its permission (403), and the rate-limit buckets (429).
/// A rejected request reaches no handler, so it changes nothing; its unread body is drained within a bound first
/// (`RequestBody.refuse`) so that a client that writes its whole body before reading sees the answer.
struct AccessPolicy: Sendable {
    /// The key store when authentication is on; nil: every route is open.
    let keys: KeyStore?
    let allowQueryKey: Bool
    let limits: RequestLimits
    let body: RequestBody
    let metrics: ServerMetrics

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    /// `handler` behind the policy for `route`.
    func guarded(_ route: APIRoute, _ handler: @escaping RouteDefinition.Handler) -> RouteDefinition.Handler {
        { request, context in
            var context = context
            if route.permission != nil { context.facts.keyed = true }
            let decision: RateLimiter.Decision?
            do {
                if let keys, let needed = route.permission {
                    try await authenticate(request, &context, needed: needed, keys: keys)
                }
                decision = try await limits.charge(route.rateClass, context: context)
            } catch let denied as AccessDenied {
                throw await body.refuse(request, denied.apiError)
            }
            var response = try await handler(request, context)
            if let decision { RequestLimits.addHeaders(decision, to: &response.headers) }
            return response
        }
    }

    private func authenticate(_ request: Request, _ context: inout AppRequestContext, needed: APIKeyPermission,
                              keys: KeyStore) async throws {
        try await limits.checkAuthFailures(context: context)
        guard let secret = presentedKey(request) else {
            if !allowQueryKey, request.uri.queryParameters["api_key"] != nil {
                throw await reject("missing", "?api_key= is refused by default (URLs end up in proxy and browser logs): send the key in "
                             + "the X-API-Key header or as Authorization: Bearer, or start the server with --allow-query-api-key",
                             context: context)
            }
            throw await reject("missing", "an API key is required: send it in the X-API-Key header or as Authorization: Bearer",
                         context: context)
        }
        let record: APIKeyRecord
        switch keys.authenticate(secret) {
        case .valid(let found): record = found
        case .unknown: throw await reject("unknown", "the API key is not valid", context: context)
        case .revoked: throw await reject("revoked", "the API key has been revoked", context: context)
        case .expired: throw await reject("expired", "the API key has expired", context: context)
        }
        guard record.permissions.contains(.admin) || record.permissions.contains(needed) else {
            metrics.recordAuthFailure(reason: "forbidden")
            throw AccessDenied(APIError(.forbidden, "forbidden", "this API key lacks the \(needed.rawValue) permission this route needs",
                                        details: .object(JSONObject([("required", .string(needed.rawValue))]))))
        }
        context.apiKeyID = record.id
        context.facts.keyID = record.id
        context.apiKeyRateLimit = record.rateLimitPerMinute
    }

    /// The key `headers` present (`X-API-Key`, else `Authorization: Bearer`).
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let header = headers[Self.apiKeyHeader], !header.isEmpty { return header }
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = String(parts[1].drop { $0 == " " || $0 == "\t" })
                if !token.isEmpty { return token }
            }
        }
        return nil
    }

    /// What `guarded` decides for a request that passes, without suspending (`SearchLane`, on the event loop, with the
    /// in-process buckets only): nil when the request must go through the router instead — a missing, bad or
    /// underpowered key, or an address out of authentication attempts (the router answers those and counts them).
    /// Otherwise the key (nil for an open route or with auth off) and the rate-limit decision, or `AccessDenied`
    /// (429) when a bucket is empty — charged exactly as `guarded` charges.
    func admitWithoutSuspending(_ route: APIRoute, headers: HTTPFields, client: String) throws -> (key: APIKeyRecord?, decision: RateLimiter.Decision?)? {
        var record: APIKeyRecord?
        if let keys, let needed = route.permission {
            guard !limits.authFailuresExhausted(client: client), let secret = Self.presentedKey(headers),
                  case .valid(let found) = keys.authenticate(secret),
                  found.permissions.contains(.admin) || found.permissions.contains(needed) else { return nil }
            record = found
        }
        let decision = try limits.chargeLocally(route.rateClass, client: client, keyID: record?.id, keyLimit: record?.rateLimitPerMinute ?? 0)
        return (record, decision)
    }

    private func presentedKey(_ request: Request) -> String? {
        if let key = Self.presentedKey(request.headers) { return key }
        if allowQueryKey, let value = request.uri.queryParameters["api_key"], !value.isEmpty { return String(value) }
        return nil
    }

    /// A 401, counted against the client's address (a 429 instead once the address has used up its failures).
    private func reject(_ reason: String, _ message: String, context: AppRequestContext) async -> AccessDenied {
        metrics.recordAuthFailure(reason: reason)
        if let limited = await limits.recordAuthFailure(context: context) { return limited }
        var error = APIError(.unauthorized, "unauthorized", message)
        error.headers[.wwwAuthenticate] = #"Bearer realm="vectorlogic""#
        return AccessDenied(error)
    }
}

/// A request the policy refused: the answer to send once the unread body is drained.
struct AccessDenied: Error {
    let apiError: APIError
    init(_ apiError: APIError) { self.apiError = apiError }
}
