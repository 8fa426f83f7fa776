import HTTPTypes
import Hummingbird

/// Browser access (`--cors-origins`): answers CORS preflights and adds the CORS headers to every answer for an allowed
/// origin, errors included (a page must be able to read a 401 or a 429).
///
/// - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed origin gets 204 with the
///   methods the API uses and the headers it reads (`X-API-Key`, `Authorization`, `Content-Type`, `X-Request-Id`),
///   cached by the browser for 10 minutes; from any other origin (or with CORS off) 403 `cross_origin`.
/// - Other answers to an allowed origin carry `Access-Control-Allow-Origin` (the exact origin, or `*`) and expose the
///   request-id and rate-limit headers to the page.
/// - With a list of origins every answer says `Vary: Origin`, so a shared cache never hands one origin's answer to
///   another.
///
/// Runs inside `OriginGuardMiddleware`, which refuses bad `Host` values first and lets writes from listed origins through.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let origins: CORSOrigins

    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"
    static let allowedHeaders = "X-API-Key, Authorization, Content-Type, X-Request-Id"
    static let exposedHeaders = "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
    /// Seconds a browser may reuse a preflight answer: 600 is Chromium's own cap.
    static let maxAgeSeconds = "600"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin]
        if request.method == .options, let origin, request.headers[.accessControlRequestMethod] != nil {
            return try preflight(origin: origin)
        }
        guard origins != .off else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError.from(error).response(from: request, context: context)
        }
        if let origin, let allowed = origins.allowOriginValue(for: origin) {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        if case .listed = origins { Self.addVaryOrigin(&response.headers) }
        return response
    }

    private func preflight(origin: String) throws -> Response {
        guard let allowed = origins.allowOriginValue(for: origin) else {
            let why = origins == .off ? "this server does not enable CORS" : "the origin is not in the server's list"
            throw APIError(.forbidden, "cross_origin",
                           "requests from web pages of \(String(origin.prefix(255))) are refused (\(why)); list the origin in --cors-origins (VECTORLOGIC_CORS_ORIGINS)")
        }
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlAllowMethods] = Self.allowedMethods
        headers[.accessControlAllowHeaders] = Self.allowedHeaders
        headers[.accessControlMaxAge] = Self.maxAgeSeconds
        if case .listed = origins { Self.addVaryOrigin(&headers) }
        return Response(status: .noContent, headers: headers)
    }

    static func addVaryOrigin(_ headers: inout HTTPFields) {
        let present = headers[values: .vary].contains { value in
            value.split(separator: ",").contains { RequestBody.trim($0).lowercased() == "origin" || RequestBody.trim($0) == "*" }
        }
        if !present { headers.append(HTTPField(name: .vary, value: "Origin")) }
    }
}
