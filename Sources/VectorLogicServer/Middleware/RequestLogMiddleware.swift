import HTTPTypes
import Hummingbird
import Logging

/// Outermost middleware: gives each request an id (the client's `X-Request-Id` when sane, else a new one), echoes it,
/// counts the request in the metrics under its route template, and logs one line (a warning when slow).
///
/// Logs never carry bodies, vectors or keys: only method, route template, status, duration and request id.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let state: ServerState
    let logger: Logger
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.requestID = RequestLogMiddleware.requestID(from: request)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError.from(error).response(from: request, context: context)
        }
        response.headers[RequestLogMiddleware.requestIDHeader] = context.requestID
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let route = context.endpointPath ?? "NotFound"
        state.metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code,
                                    nanoseconds: nanoseconds)
        let metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible(Double(nanoseconds / 1_000) / 1_000),
            "request_id": .string(context.requestID),
        ]
        if nanoseconds >= Int64(state.configuration.slowRequestMilliseconds) * 1_000_000 {
            logger.warning("slow request", metadata: metadata)
        } else {
            logger.info("request", metadata: metadata)
        }
        return response
    }

    /// The client's id when it is 1–128 visible ASCII characters; otherwise 16 random hex digits.
    static func requestID(from request: Request) -> String {
        if let given = request.headers[requestIDHeader], !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
