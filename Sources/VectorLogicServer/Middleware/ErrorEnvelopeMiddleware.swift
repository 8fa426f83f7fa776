import HTTPTypes
import Hummingbird

/// Turns every error below it into the contract's error body: typed errors keep their status and code, Hummingbird's
/// own errors (404 for unknown routes, 413) are mapped, and anything else becomes a bare 500 `internal`.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try APIError.from(error).response(from: request, context: context)
        }
    }
}
