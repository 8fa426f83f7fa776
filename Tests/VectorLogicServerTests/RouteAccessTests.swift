import Foundation
import Testing
@testable import VectorLogicServer
import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicAccess

/// Issue 8 §1: what a request may do depends on the route the router matched, never on how its path is spelled.
/// The route list comes from the server's own table, so a new route is covered without editing this test.
@Suite struct RouteAccessTests {
    static let admin = "route-access-admin-key-0123456789"
    /// The header that sends the admin key.
    static let asAdmin = [("X-API-Key", admin)]

    /// Runs `body` against a server that requires keys, with `admin` as its admin key and a 2-dimension default
    /// collection; `configure` sets the rest.
    static func withKeyedServer(_ configure: @escaping (inout ServerConfiguration) -> Void,
                                _ body: (TestServer) async throws -> Void) async throws {
        try await withServer(configure: {
            $0.authEnabled = true
            $0.adminKey = admin
            $0.defaultDimension = 2
            configure(&$0)
        }, body)
    }

    /// A concrete path for a template: parameters get values that name nothing, so every answer is stable
    /// (404, 400, or a harmless create) however often it is repeated.
    static func concrete(_ template: String) -> String {
        template.split(separator: "/").map { segment -> String in
            switch segment {
            case ":collection": return "nosuch"
            case ":name": return "nosuch.vlsnap"
            case ":id", ":mid": return "nosuch"
            default: return String(segment)
            }
        }.reduce("") { $0 + "/" + $1 }
    }

    /// Spellings the router maps to the same route (must answer exactly as the canonical path does)…
    static func equivalentSpellings(_ path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        var variants = ["/" + path, path + "/", segments.reduce("") { $0 + "//" + $1 } + "//"]
        if segments.count >= 2 {
            variants.append("/" + segments[0] + "//" + segments.dropFirst().joined(separator: "/"))
        }
        return variants
    }

    /// …and spellings it does not route at all (must answer as the canonical path does, or as an unknown route).
    static func otherSpellings(_ path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        var variants = [path.uppercased()]
        if segments.count >= 2 {
            let rest = segments.dropFirst().joined(separator: "/")
            variants.append("/" + segments[0] + "%2F" + rest)
            variants.append("/" + segments[0] + "/./" + rest)
            variants.append("/" + segments[0] + "/x/../" + rest)
        }
        return variants
    }

    @Test func everyRouteAnswersTheSameWhateverItsSpelling() async throws {
        try await Self.withKeyedServer({ $0.authFailuresPerClient = 0 }) { server in
            var credentials: [(String, [(String, String)])] = [("none", []), ("admin", Self.asAdmin)]
            for permission in ["read", "write"] {
                credentials.append((permission, try await server.key(permission, admin: RouteAccessTests.admin, rateLimitPerMinute: 1_000_000)))
            }
            let state = ServerState(database: server.database, personas: server.personas, configuration: ServerConfiguration(),
                                    residentBytes: { nil })
            let routes = Routes.table(state: state, keys: server.keys).map(\.route)
            #expect(routes.count >= 40, "the table lists every route")
            var checked = 0
            for route in routes {
                let path = Self.concrete(route.path)
                let method = route.method.rawValue
                let body: String? = method == "GET" ? nil : "{}"
                for (who, headers) in credentials {
                    let canonical = try await server.call(method, path, body, headers: headers)
                    #expect(!(canonical.status == 404 && canonical.text.contains("no such route")), "\(route) is routed at its canonical path")
                    if route.permission == nil || who == "admin" {
                        #expect(canonical.status != 401 && canonical.status != 403, "\(who) passes \(route)")
                    } else if who == "none" {
                        #expect(canonical.status == 401, "\(route) needs a key")
                    }
                    for variant in Self.equivalentSpellings(path) {
                        let answer = try await server.call(method, variant, body, headers: headers)
                        #expect(answer.status == canonical.status, "\(who) \(method) \(variant): \(answer.status) vs \(canonical.status) at \(path)")
                        checked += 1
                    }
                    for variant in Self.otherSpellings(path) {
                        let answer = try await server.call(method, variant, body, headers: headers)
                        let unrouted = answer.status == 404 && answer.text.contains("no such route")
                        #expect(answer.status == canonical.status || unrouted,
                                "\(who) \(method) \(variant): \(answer.status) vs \(canonical.status) at \(path)")
                        checked += 1
                    }
                }
            }
            #expect(checked > 1_000)
        }
    }

    /// The reproductions of issue 8 §1, one by one: each used to succeed.
    @Test func theReportedBypassesAreRefused() async throws {
        try await Self.withKeyedServer({ $0.searchRateLimitPerClient = 1 }) { server in
            let asAdmin = Self.asAdmin
            let reader = try await server.key("read", admin: RouteAccessTests.admin)
            let writer = try await server.key("write", admin: RouteAccessTests.admin)
            #expect(try await server.call("POST", "/v1/collections", #"{"name":"victim","dimension":2}"#, headers: asAdmin).status == 201)
            let snapshot = try await server.call("POST", "/v1/snapshots", headers: asAdmin)
            let name = try #require(snapshot.data?["name"]?.string)

            for path in ["//v1/keys", "/v1//keys", "/v1/keys/", "//v1/snapshots", "/v1//snapshots/\(name)", "/v1/snapshots/\(name)/"] {
                let answer = try await server.call("GET", path, headers: reader)
                #expect(answer.status == 403 && answer.errorCode == "forbidden", "read key: GET \(path) → \(answer.status)")
            }
            let evil = try await server.call("POST", "/v1/collections//", #"{"name":"evil","dimension":2}"#, headers: writer)
            #expect(evil.status == 403)
            #expect(try await server.call("DELETE", "/v1/collections/victim/", headers: writer).status == 403)
            #expect(server.database.listCollections().map(\.config.name).sorted() == ["default", "victim"], "nothing was made or dropped")
            #expect(try await server.call("POST", "/v1/collections/default/search/", #"{"vector":[1,0],"k":1}"#, headers: writer).status == 403,
                    "write does not imply read, whatever the spelling")

            // The search limit applies to every spelling of a search route.
            #expect(try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0],"k":1}"#, headers: reader).status == 200)
            let limited = try await server.call("POST", "/v1/collections/default/search/", #"{"vector":[1,0],"k":1}"#, headers: reader)
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
        }
    }

    /// Failed authentications are counted per client address: after the bound, 429 — even for a good key, so a
    /// guesser cannot keep trying — and the bucket refills with time.
    @Test func failedAuthenticationsAreRateLimited() async throws {
        try await Self.withKeyedServer({ $0.authFailuresPerClient = 3 }) { server in
            for attempt in 0..<3 {
                let answer = try await server.call("GET", "/v1/collections", headers: [("X-API-Key", "wrong-\(attempt)")])
                #expect(answer.status == 401)
            }
            let blocked = try await server.call("GET", "/v1/collections", headers: [("X-API-Key", "wrong-again")])
            #expect(blocked.status == 429 && blocked.headers["retry-after"] != nil)
            let good = try await server.call("GET", "/v1/collections", headers: [("X-API-Key", RouteAccessTests.admin)])
            #expect(good.status == 429, "the address is blocked for a while, whatever key it sends")
            #expect(try await server.call("GET", "/health").status == 200, "probes stay open")
            let metrics = try await server.call("GET", "/metrics")
            #expect(metrics.text.contains("auth_failure"))
        }
    }
}

/// Issue 8 §5: the smaller holes of the HTTP layer.
@Suite struct HTTPHardeningTests {
    /// A changed `VECTORLOGIC_ADMIN_KEY` on a later start used to be ignored silently (old key 200, new key 401).
    @Test func aChangedAdminKeyIsReported() throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = try KeyStore(dataDirectory: directory)
        defer { keys.close() }
        var first = ServerConfiguration()
        first.authEnabled = true
        first.adminKey = "first-admin-key-0123456789"
        #expect(try VectorLogicServer.ensureAdminKey(keys, configuration: first) != nil)
        #expect(VectorLogicServer.adminKeyNotice(keys, configuration: first) == nil, "the seeded key works: nothing to say")
        var changed = first
        changed.adminKey = "second-admin-key-0123456789"
        #expect(try VectorLogicServer.ensureAdminKey(keys, configuration: changed) == nil, "a second key is not made")
        let notice = try #require(VectorLogicServer.adminKeyNotice(keys, configuration: changed))
        #expect(notice.contains("VECTORLOGIC_ADMIN_KEY is ignored") && notice.contains("keys rotate"))
    }

    /// A body route refuses a body without `Content-Type: application/json` (a browser's simple cross-site POST),
    /// and the refused request changes nothing; an omitted body needs no type where the body is optional.
    @Test func bodiesNeedAJSONContentType() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let untyped = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"a","values":[1,0]}]}"#,
                                                contentType: nil)
            #expect(untyped.status == 415 && untyped.errorCode == "unsupported_media_type")
            let textPlain = try await server.call("POST", "/vectors", #"{"id":"a","values":[1,0]}"#, contentType: "text/plain")
            #expect(textPlain.status == 415)
            #expect(try server.database.count("default", filter: nil) == 0, "nothing was stored")
            let count = try await HTTPTestClient.exchange(port: server.port, Array(
                "POST /v1/collections/default/count HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8))
            #expect(try HTTPTestClient.parse(count).status == 200)
        }
    }

    /// DNS rebinding: a Host that is not the server's own is refused; IP literals, localhost and configured names
    /// pass. A cross-origin state-changing request (a web page's form or fetch) is refused.
    @Test func foreignHostsAndOriginsAreRefused() async throws {
        try await withServer(configure: { $0.defaultDimension = 2; $0.allowedHosts = ["vectors.example", ".corp.example"] }) { server in
            func raw(_ head: String, _ body: String = "") async throws -> HTTPResult {
                try HTTPTestClient.parse(try await HTTPTestClient.exchange(port: server.port, Array((head + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)))
            }
            let rebound = try await raw("GET /v1/collections HTTP/1.1\r\nHost: evil.example:\(server.port)\r\n")
            #expect(rebound.status == 400 && rebound.errorCode == "invalid_host")
            for host in ["localhost:\(server.port)", "127.0.0.1:\(server.port)", "[::1]:\(server.port)", "vectors.example",
                         "db.corp.example:443", "app.localhost"] {
                #expect(try await raw("GET /v1/collections HTTP/1.1\r\nHost: \(host)\r\n").status == 200, "\(host)")
            }
            let upsert = #"{"vectors":[{"id":"a","values":[1,0]}]}"#
            let crossSite = try await raw("POST /v1/collections/default/vectors HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\n", upsert)
            #expect(crossSite.status == 403 && crossSite.errorCode == "cross_origin")
            #expect(try server.database.count("default", filter: nil) == 0)
            let sameSite = try await raw("POST /v1/collections/default/vectors HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://127.0.0.1:\(server.port)\r\nContent-Type: application/json\r\n", upsert)
            #expect(sameSite.status == 200)
        }
    }

    /// A client that writes its whole body before reading (Python's urllib does, with `Connection: close`) gets
    /// the early answer — 413 for an oversized body, 401 before authentication — instead of hanging.
    @Test func earlyAnswersReachClientsThatWriteTheWholeBodyFirst() async throws {
        try await RouteAccessTests.withKeyedServer({ $0.maxBodyBytes = 1 << 20 }) { server in
            let big = [UInt8](repeating: 0x20, count: 3 << 19)  // 1.5 MiB: past the limit, within the drain bound
            func send(_ head: String, _ body: [UInt8]) async throws -> (HTTPResult?, Duration) {
                let start = ContinuousClock.now
                let raw = try await HTTPTestClient.exchange(port: server.port, Array(head.utf8) + body)
                return (try? HTTPTestClient.parse(raw), ContinuousClock.now - start)
            }
            let head = "POST /v1/collections/default/vectors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(big.count)\r\n"
            let (tooLarge, t1) = try await send(head + "X-API-Key: \(RouteAccessTests.admin)\r\n\r\n", big)
            #expect(tooLarge?.status == 413 && t1 < .seconds(20))
            let (anonymous, t2) = try await send(head + "\r\n", big)
            #expect(anonymous?.status == 401 && t2 < .seconds(20))
            // Far past the drain bound: the server answers and closes; the client is not left hanging either way.
            let huge = [UInt8](repeating: 0x20, count: 8 << 20)
            let (_, t3) = try await send("POST /v1/collections/default/vectors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(huge.count)\r\n\r\n", huge)
            #expect(t3 < .seconds(30))
        }
    }

    /// Connections that never finish their headers are closed after the header timeout, and at the connection cap
    /// the server still answers `/health` once they are gone.
    @Test func stalledConnectionsAreClosedAndCapped() async throws {
        try await withServer(configure: {
            $0.defaultDimension = 2
            $0.headerTimeoutMilliseconds = 400
            $0.maxConnections = 16
        }) { server in
            let port = server.port
            let stalled: [Int32] = try (0..<40).map { _ in try Self.connect(port: port, sending: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") }
            defer { for fd in stalled { close(fd) } }
            let start = ContinuousClock.now
            let health = try await server.call("GET", "/health")
            #expect(health.status == 200)
            // Without the timeout the 40 connections stay open for ever and /health waits behind the cap of 16.
            #expect(ContinuousClock.now - start < .seconds(15), "the stalled connections were cut off and /health got through")
            // The first stalled connection was closed by the server (EOF, or a reset), well before the 20 s read timeout.
            let first = stalled[0]
            let (closed, waited) = await Self.offPool { () -> (Bool, Duration) in
                let began = ContinuousClock.now
                var byte: UInt8 = 0
                var timeout = timeval(tv_sec: 20, tv_usec: 0)
                setsockopt(first, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                return (recv(first, &byte, 1, 0) <= 0, ContinuousClock.now - began)
            }
            #expect(closed && waited < .seconds(15))
        }
    }

    /// A request whose body stops arriving is cut off after the body timeout, and a kept-alive connection with no
    /// next request after the idle timeout.
    @Test func stalledBodiesAndIdleConnectionsAreClosed() async throws {
        try await withServer(configure: {
            $0.defaultDimension = 2
            $0.bodyTimeoutMilliseconds = 300
            $0.idleTimeoutMilliseconds = 300
        }) { server in
            let partial = try Self.connect(port: server.port, sending:
                "POST /vectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
            defer { close(partial) }
            let idle = try Self.connect(port: server.port, sending: "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            defer { close(idle) }
            // Blocking reads run on their own thread: the server under test shares this process's cooperative pool.
            let (received, idleClosedAfter) = await Self.offPool { () -> (Int, Duration) in
                let began = ContinuousClock.now
                var timeout = timeval(tv_sec: 20, tv_usec: 0)
                setsockopt(idle, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4_096)
                var received = 0
                while true {  // the answer, then EOF once the connection has been idle for 300 ms
                    let count = buffer.withUnsafeMutableBytes { recv(idle, $0.baseAddress!, $0.count, 0) }
                    if count <= 0 { break }
                    received += count
                }
                return (received, ContinuousClock.now - began)
            }
            #expect(received > 0 && idleClosedAfter < .seconds(15), "answered, then closed when idle")
            let (cutOff, bodyClosedAfter) = await Self.offPool { () -> (Bool, Duration) in
                let began = ContinuousClock.now
                var timeout = timeval(tv_sec: 20, tv_usec: 0)
                setsockopt(partial, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4_096)
                while true {  // a 408/400 answer may come first; then EOF
                    let count = buffer.withUnsafeMutableBytes { recv(partial, $0.baseAddress!, $0.count, 0) }
                    if count <= 0 { return (count == 0 || errno != EAGAIN, ContinuousClock.now - began) }
                }
            }
            #expect(cutOff && bodyClosedAfter < .seconds(15), "the stalled body was cut off")
            #expect(try await server.call("GET", "/health").status == 200)
        }
    }

    /// Runs blocking socket calls on a thread of their own, never on the cooperative pool the in-process server needs.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    static func connect(port: Int, sending text: String) throws -> Int32 {
        let fd = try HTTPTestClient.connectedSocket(port: port)
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }
}
