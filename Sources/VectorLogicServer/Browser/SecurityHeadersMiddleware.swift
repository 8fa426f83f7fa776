import HTTPTypes
import Hummingbird

/// The headers every answer carries (the original design's "helmet" list, cut to what a JSON API needs):
/// - `X-Content-Type-Options: nosniff`: a browser never runs an answer as script or style;
/// - `Referrer-Policy: no-referrer`: the admin page's links leak no URL (which may hold `?api_key=`);
/// - `X-Frame-Options: DENY`: no page can frame the admin page to trick a click;
/// - `Cache-Control: no-store` on keyed answers (routes that take a key, or requests that presented one) unless the
///   route set its own: no proxy or browser cache keeps data fetched with a key, or a key's secret;
/// - `Strict-Transport-Security` when serving TLS (one year; no `includeSubDomains`, which would bind names this
///   server does not know about).
/// The `Server` header is Hummingbird's, set to `VectorLogic` without a version (`serverName` in `buildApplication`).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let strictTransportSecurity: Bool

    static let hstsValue = "max-age=31536000"
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError.from(error).response(from: request, context: context)
        }
        Self.apply(to: &response.headers, keyed: context.facts.keyed || Self.presentsKey(request), strictTransportSecurity: strictTransportSecurity)
        return response
    }

    /// Adds the headers every answer carries (also those `SearchLane` writes itself); `keyed`: a route that needs a
    /// key, or a request that presents one, so the answer is not cached.
    static func apply(to headers: inout HTTPFields, keyed: Bool, strictTransportSecurity: Bool) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "no-referrer"
        headers[frameOptions] = "DENY"
        if headers[.cacheControl] == nil, keyed { headers[.cacheControl] = "no-store" }
        if strictTransportSecurity { headers[.strictTransportSecurity] = hstsValue }
    }

    /// Whether the request carries something that looks like a key (header, bearer token or `?api_key=`), valid or not.
    static func presentsKey(_ request: Request) -> Bool {
        presentsKey(headers: request.headers) || request.uri.query?.contains("api_key=") == true
    }

    /// Whether `headers` carry something that looks like a key (`X-API-Key` or `Authorization`), valid or not.
    static func presentsKey(headers: HTTPFields) -> Bool {
        headers[AccessPolicy.apiKeyHeader] != nil || headers[.authorization] != nil
    }
}
