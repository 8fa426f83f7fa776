import HTTPTypes
import Hummingbird
import VectorLogicJSON
import VectorLogicPersonas

/// API-key authentication and permissions (api.md "Authentication", "API keys"): the key comes from `X-API-Key`,
/// `Authorization: Bearer`, or — only when the server allows it — `?api_key=`. No key, an unknown, revoked or expired
/// key → 401 `unauthorized`; a key without the route's permission → 403 `forbidden`. The key's id and per-key rate
/// limit are left in the context for the rate limiter. Keys are never logged (the request log has no headers).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let keys: KeyStore
    let allowQueryKey: Bool
    let metrics: ServerMetrics
    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let needed = RoutePermission.required(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        guard let secret = presentedKey(request) else {
            throw reject("missing", "an API key is required: send it in the X-API-Key header or as Authorization: Bearer")
        }
        let record: APIKeyRecord
        switch keys.authenticate(secret) {
        case .valid(let found): record = found
        case .unknown: throw reject("unknown", "the API key is not valid")
        case .revoked: throw reject("revoked", "the API key has been revoked")
        case .expired: throw reject("expired", "the API key has expired")
        }
        guard record.permissions.contains(.admin) || record.permissions.contains(needed) else {
            metrics.recordAuthFailure(reason: "forbidden")
            throw APIError(.forbidden, "forbidden", "this API key lacks the \(needed.rawValue) permission this route needs",
                           details: .object(JSONObject([("required", .string(needed.rawValue))])))
        }
        var context = context
        context.apiKeyID = record.id
        context.apiKeyRateLimit = record.rateLimitPerMinute
        return try await next(request, context)
    }

    private func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[Self.apiKeyHeader], !header.isEmpty { return header }
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = String(parts[1].drop { $0 == " " || $0 == "\t" })
                if !token.isEmpty { return token }
            }
        }
        if allowQueryKey, let value = request.uri.queryParameters["api_key"], !value.isEmpty { return String(value) }
        return nil
    }

    private func reject(_ reason: String, _ message: String) -> APIError {
        metrics.recordAuthFailure(reason: reason)
        var error = APIError(.unauthorized, "unauthorized", message)
        error.headers[.wwwAuthenticate] = #"Bearer realm="vectorlogic""#
        return error
    }
}
