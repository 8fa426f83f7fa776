import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicEngine
import VectorLogicJSON

extension Routes {
    /// `/health`, `/ready`, `/metrics` (open, never rate-limited), `/v1/stats` and `/openapi.json`.
    static func operations(state: ServerState) -> [RouteDefinition] {
        var routes: [RouteDefinition] = [
            .probe("/health", operation: "health") { _, _ -> Response in
                JSONResponse.make(status: .ok, bytes: Array(#"{"status":"ok"}"#.utf8))
            },
            .probe("/ready", operation: "ready") { _, _ -> Response in
                // The app is built only after recovery finished, so readiness is the engine accepting writes.
                guard state.database.isWritable else {
                    throw APIError(.serviceUnavailable, "unavailable", "the database does not accept writes")
                }
                return JSONResponse.make(status: .ok, bytes: Array(#"{"status":"ready"}"#.utf8))
            },
            .read(.get, "/v1/stats", operation: "stats") { _, _ -> Response in
                let uptime = ContinuousClock.now - state.startedAt
                let stats = ResponseModels.stats(state.database.stats(), residentBytes: state.residentBytes(),
                                                 uptimeMs: uptime.components.seconds * 1_000 + uptime.components.attoseconds / 1_000_000_000_000_000)
                return JSONResponse.success(stats)
            },
            .read(.get, "/openapi.json", operation: "openapi") { _, _ -> Response in
                JSONResponse.make(status: .ok, bytes: OpenAPIDocument.bytes)
            },
        ]
        if state.configuration.metricsEnabled {
            routes.append(.probe("/metrics", operation: "metrics") { _, _ -> Response in
                state.refreshMetrics()
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(status: .ok, headers: headers,
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: state.metrics.exposition())))
            })
        }
        return routes
    }
}
