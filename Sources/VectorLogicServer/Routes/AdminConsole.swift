import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import VectorLogicAccess
import VectorLogicJSON

extension Routes {
    /// The admin console (issue 13): its page and modules (open: they hold no data, and read the JSON API with the key
    /// the operator types), its live stream and the session it shows.
    static func adminConsole(state: ServerState, keys: KeyStore?, searchRoutes: Set<String>) -> [RouteDefinition] { [
        RouteDefinition(.get, "/admin", nil, operation: "adminPage") { _, _ -> Response in
            try AdminAssets.response(for: "index.html")
        },
        RouteDefinition(.get, "/admin/:file", nil, operation: "adminAsset") { _, context -> Response in
            try AdminAssets.response(for: parameter(context, "file"))
        },
        .read(.get, "/v1/admin/live", operation: "adminLive") { request, context -> Response in
            try await liveStream(request, context, state: state, searchRoutes: searchRoutes)
        },
        .read(.get, "/v1/admin/session", operation: "adminSession") { _, context -> Response in
            try session(context, state: state, keys: keys)
        },
    ] }

    /// `GET /v1/admin/live`: Server-Sent Events, one `figures` event per interval (README "Admin console").
    private static func liveStream(_ request: Request, _ context: AppRequestContext, state: ServerState,
                                   searchRoutes: Set<String>) async throws -> Response {
        guard request.headers[.accept]?.contains("text/event-stream") == true else {
            throw APIError(.notAcceptable, "not_acceptable", "this route streams Server-Sent Events: send Accept: text/event-stream")
        }
        let hub = state.live
        guard let subscription = hub.subscribe(channel: context.channel, sample: {
            state.refreshMetrics()
            return MetricsSample(exposition: state.metrics.exposition(), searchRoutes: searchRoutes, at: .now)
        }) else {
            var error = APIError(.serviceUnavailable, "overloaded", "\(hub.maxStreams) admin console streams are open, the most allowed",
                                 details: .object(JSONObject([("limit", .int(hub.maxStreams))])))
            error.headers[.retryAfter] = "5"
            throw error
        }
        // Small buffers for this connection, so that a client that stops reading is found within ~40 KB of frames
        // instead of the megabytes Linux autotunes a send buffer to: 16 KB of socket buffer (the kernel doubles it)
        // and writes that wait once 8 KB are queued in NIO; the hub closes a stream whose write waits 5 intervals.
        try await context.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: 16_384).get()
        try await context.channel.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 4_096, high: 8_192)).get()
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let hello = LiveHub.event("hello", .object(JSONObject([
            ("interval_ms", .int(state.configuration.adminFrameIntervalMilliseconds)), ("max_streams", .int(hub.maxStreams)),
        ])))
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { subscription.finish() }
            try await withGracefulShutdownHandler {
                try await subscription.writing { try await writer.write(hello) }
                for await frame in subscription.frames {
                    try await subscription.writing { try await writer.write(frame) }
                }
            } onGracefulShutdown: {
                subscription.finish()
            }
            try await writer.finish(nil)
        })
    }

    /// `GET /v1/admin/session`: whether auth is on and what the presented key may do, so the console shows only what
    /// the key can use (a read key gets read-only pages).
    private static func session(_ context: AppRequestContext, state: ServerState, keys: KeyStore?) throws -> Response {
        let authOn = state.configuration.authEnabled && keys != nil
        var permissions = Set(APIKeyPermission.allCases)
        var key: JSONValue = .null
        if authOn, let id = context.apiKeyID, let keys {
            guard let record = try? keys.list().first(where: { $0.id == id }) else {
                throw APIError(.unauthorized, "unauthorized", "the API key is not valid")
            }
            permissions = record.permissions.contains(.admin) ? Set(APIKeyPermission.allCases) : record.permissions
            key = .object(JSONObject([("id", .string(record.id)), ("name", .string(record.name)), ("prefix", .string(record.prefix))]))
        }
        return JSONResponse.success(.object(JSONObject([
            ("auth", .bool(authOn)),
            ("key", key),
            ("permissions", .array(APIKeyPermission.allCases.filter(permissions.contains).map { .string($0.rawValue) })),
            ("live", .object(JSONObject([
                ("max_streams", .int(state.live.maxStreams)),
                ("interval_ms", .int(state.configuration.adminFrameIntervalMilliseconds)),
            ]))),
        ])))
    }
}
