import Foundation
import Testing
import VectorLogicServer

/// CORS (`--cors-origins`) and the headers every answer carries, over real HTTP on 127.0.0.1.
@Suite struct BrowserAccessTests {
    static let upsert = #"{"vectors":[{"id":"a","values":[1,0]}]}"#

    /// With CORS off (the default): no `Access-Control-*` header anywhere, a preflight gets 403 `cross_origin` naming
    /// the flag, and a cross-origin write is refused and changes nothing.
    @Test func corsIsOffByDefault() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let read = try await server.call("GET", "/v1/collections", headers: [("Origin", "https://app.example")])
            #expect(read.status == 200)
            #expect(!read.headers.keys.contains { $0.hasPrefix("access-control-") }, "\(read.headers)")
            #expect(read.headers["vary"] == nil)
            let preflight = try await server.call("OPTIONS", "/v1/collections/default/vectors", headers: [
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 403 && preflight.errorCode == "cross_origin" && preflight.text.contains("--cors-origins"))
            #expect(preflight.headers["access-control-allow-origin"] == nil)
            let write = try await server.call("POST", "/v1/collections/default/vectors", Self.upsert, headers: [("Origin", "https://app.example")])
            #expect(write.status == 403 && write.errorCode == "cross_origin" && write.text.contains("--cors-origins"))
            #expect(try server.database.count("default", filter: nil) == 0)
        }
    }

    /// A listed origin gets its preflight answered (methods, the key headers, max age), its exact origin echoed on
    /// answers and errors alike, and its writes through the cross-origin guard; another origin gets none of that.
    /// Every answer says `Vary: Origin`; credentials are never allowed.
    @Test func listedOriginsAreEchoedExactly() async throws {
        let listed = "https://app.example"
        try await withServer(configure: {
            $0.defaultDimension = 2
            $0.corsOrigins = try! CORSOrigins.parse("https://App.Example/, http://localhost:5173", source: "test")
        }) { server in
            let preflight = try await server.call("OPTIONS", "/v1/collections/default/vectors", headers: [
                ("Origin", listed), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "x-api-key, content-type")])
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == listed)
            let methods = preflight.headers["access-control-allow-methods"] ?? ""
            #expect(["GET", "POST", "PUT", "PATCH", "DELETE"].allSatisfy { methods.contains($0) }, "\(methods)")
            let allowedHeaders = (preflight.headers["access-control-allow-headers"] ?? "").lowercased()
            #expect(["x-api-key", "authorization", "content-type"].allSatisfy { allowedHeaders.contains($0) }, "\(allowedHeaders)")
            #expect(preflight.headers["access-control-max-age"] == "600" && preflight.headers["vary"] == "Origin")
            #expect(preflight.headers["access-control-allow-credentials"] == nil)

            let other = try await server.call("OPTIONS", "/v1/collections/default/vectors", headers: [
                ("Origin", "https://app.example.evil.example"), ("Access-Control-Request-Method", "POST")])
            #expect(other.status == 403 && other.errorCode == "cross_origin" && other.headers["access-control-allow-origin"] == nil)

            let write = try await server.call("POST", "/v1/collections/default/vectors", Self.upsert, headers: [("Origin", listed)])
            #expect(write.status == 200 && write.headers["access-control-allow-origin"] == listed, "\(write.text)")
            #expect(write.headers["vary"] == "Origin" && write.headers["access-control-expose-headers"]?.contains("X-Request-Id") == true)
            let missing = try await server.call("GET", "/v1/collections/nope", headers: [("Origin", "http://localhost:5173")])
            #expect(missing.status == 404 && missing.headers["access-control-allow-origin"] == "http://localhost:5173")
            let foreign = try await server.call("POST", "/v1/collections/default/vectors", Self.upsert, headers: [("Origin", "https://evil.example")])
            #expect(foreign.status == 403 && foreign.errorCode == "cross_origin" && foreign.headers["access-control-allow-origin"] == nil)
            let noOrigin = try await server.call("GET", "/health")
            #expect(noOrigin.headers["vary"] == "Origin" && noOrigin.headers["access-control-allow-origin"] == nil)
        }
    }

    /// `*` answers `Access-Control-Allow-Origin: *` (never an echo, never credentials) and lets any origin write.
    @Test func anyOriginIsAStarWithoutCredentials() async throws {
        try await withServer(configure: { $0.defaultDimension = 2; $0.corsOrigins = .any }) { server in
            let write = try await server.call("POST", "/v1/collections/default/vectors", Self.upsert, headers: [("Origin", "https://x.example")])
            #expect(write.status == 200 && write.headers["access-control-allow-origin"] == "*")
            #expect(write.headers["access-control-allow-credentials"] == nil)
            let preflight = try await server.call("OPTIONS", "/v1/search", headers: [("Origin", "https://y.example"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204 && preflight.headers["access-control-allow-origin"] == "*")
        }
    }

    /// The setting accepts origins only: `*` alone, http(s) scheme, host, optional port, no path.
    @Test func corsOriginsAreValidated() throws {
        for bad in ["*,https://a.example", "ftp://a.example", "https://a.example/app", "a.example", "https://a.example:0",
                    "https://user@a.example", "https://"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try ServerConfiguration.resolve(arguments: ["--cors-origins", bad], environment: [:]) }
        }
        let config = try ServerConfiguration.resolve(arguments: [], environment: ["VECTORLOGIC_CORS_ORIGINS": "HTTPS://A.example:8443/,http://[::1]:3000"])
        #expect(config.corsOrigins == .listed(["https://a.example:8443", "http://[::1]:3000"]))
        #expect(try ServerConfiguration.resolve(arguments: ["--cors-origins=*"], environment: [:]).corsOrigins == .any)
        #expect(try ServerConfiguration.resolve(arguments: [], environment: [:]).corsOrigins == .off)
    }

    /// Every answer — success, error, unknown route, open probe — carries nosniff, no-referrer and DENY, and a `Server`
    /// header without a version; keyed answers (routes that take a key, or requests presenting one) are `no-store`,
    /// probes are not; there is no HSTS over plain HTTP.
    @Test func securityHeadersOnEveryAnswer() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let answers = [
                try await server.call("GET", "/health"),
                try await server.call("GET", "/v1/collections"),
                try await server.call("GET", "/v1/collections/nope"),
                try await server.call("GET", "/no/such/route"),
                try await server.call("POST", "/v1/collections/default/vectors", "{", headers: [("X-API-Key", "vdb_x")]),
            ]
            for answer in answers {
                #expect(answer.headers["x-content-type-options"] == "nosniff", "\(answer.status) \(answer.headers)")
                #expect(answer.headers["referrer-policy"] == "no-referrer")
                #expect(answer.headers["x-frame-options"] == "DENY")
                #expect(answer.headers["server"] == "VectorLogic", "\(answer.headers["server"] ?? "none")")
                #expect(answer.headers["strict-transport-security"] == nil)
            }
            #expect(answers[0].headers["cache-control"] == nil)
            #expect(answers[1].headers["cache-control"] == "no-store" && answers[2].headers["cache-control"] == "no-store")
            #expect(answers[4].status == 400 && answers[4].headers["cache-control"] == "no-store")
        }
    }
}
