import Testing
import VectorLogicJSON

/// API keys over real HTTP with auth on: 401 without a valid key, 403 without the permission, keys managed through
/// /v1/keys (rotation and revocation take effect at once), per-key rate limits, open health routes.
@Suite struct AuthTests {
    static let admin = "test-admin-key-0123456789"

    @Test func keysPermissionsRotationAndRevocation() async throws {
        try await withServer(configure: {
            $0.authEnabled = true
            $0.adminKey = AuthTests.admin
            $0.defaultDimension = 2
        }) { server in
            let asAdmin = [("X-API-Key", AuthTests.admin)]
            #expect(try await server.call("GET", "/health").status == 200)
            #expect(try await server.call("GET", "/ready").status == 200)
            let anonymous = try await server.call("GET", "/v1/collections")
            #expect(anonymous.status == 401 && anonymous["error"] == .string("unauthorized"))
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-API-Key", "vdb_" + String(repeating: "0", count: 64))]).status == 401)
            #expect(try await server.call("GET", "/v1/collections", headers: asAdmin).status == 200)
            #expect(try await server.call("GET", "/v1/collections", headers: [("Authorization", "Bearer " + AuthTests.admin)]).status == 200)
            let queryKey = try await server.call("GET", "/v1/collections?api_key=" + AuthTests.admin)
            #expect(queryKey.status == 401, "query keys are off by default")
            #expect(queryKey.text.contains("--allow-query-api-key"), "the refusal names the flag that allows it: \(queryKey.text)")
            #expect(!anonymous.text.contains("--allow-query-api-key"), "a request without any key is not told about query keys")

            let created = try await server.call("POST", "/v1/keys", #"{"name":"reader","permissions":["read"],"rate_limit_per_minute":3}"#, headers: asAdmin)
            #expect(created.status == 201)
            let readerKey = try #require(created.data?["key"]?.string)
            let readerID = try #require(created.data?["id"]?.string)
            // No expires_in_days: a year, as `vectorlogic keys create` without --expires-in-days.
            let expiresIn = (created.data?["expires_at"]?.number ?? 0) - (created.data?["created_at"]?.number ?? 0)
            #expect(expiresIn == Double(365 * 86_400_000), "\(created.text)")
            #expect(readerKey.hasPrefix("vdb_") && readerKey.count == 68)
            let reader = [("X-API-Key", readerKey)]
            #expect(try await server.call("POST", "/v1/collections/default/search", #"{"vector":[1,0],"k":1}"#, headers: reader).status == 200)
            let forbidden = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"a","values":[1,0]}]}"#, headers: reader)
            #expect(forbidden.status == 403 && forbidden["error"] == .string("forbidden"))
            #expect(try server.database.count("default", filter: nil) == 0, "the forbidden write changed nothing")
            #expect(try await server.call("POST", "/v1/keys", #"{"name":"x"}"#, headers: reader).status == 403)
            // Called until refused: on a crowded machine the calls above can span long enough for the bucket to refill
            // a token (one per 20 s), so an exact count would race; ten calls are far past 3 per minute either way.
            var limited = try await server.call("GET", "/v1/collections", headers: reader)
            for _ in 0..<10 where limited.status == 200 {
                limited = try await server.call("GET", "/v1/collections", headers: reader)
            }
            #expect(limited.status == 429 && limited.headers["retry-after"] != nil, "the key's own 3-per-minute limit")

            let listed = try await server.call("GET", "/v1/keys", headers: asAdmin)
            #expect(listed.status == 200 && !listed.text.contains(readerKey) && listed.text.contains(readerID))

            let writer = try await server.call("POST", "/v1/keys", #"{"name":"writer","permissions":["read","write"]}"#, headers: asAdmin)
            let writerKey = try #require(writer.data?["key"]?.string)
            let writerID = try #require(writer.data?["id"]?.string)
            #expect(try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"a","values":[1,0]}]}"#,
                                          headers: [("X-API-Key", writerKey)]).status == 200)
            #expect(try await server.call("POST", "/v1/collections", #"{"name":"c2","dimension":2}"#,
                                          headers: [("X-API-Key", writerKey)]).status == 403, "collections need admin")
            let rotated = try await server.call("POST", "/v1/keys/\(writerID)/rotate", headers: asAdmin)
            let newKey = try #require(rotated.data?["key"]?.string)
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-API-Key", writerKey)]).status == 401)
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-API-Key", newKey)]).status == 200)
            #expect(try await server.call("DELETE", "/v1/keys/\(writerID)", headers: asAdmin).status == 200)
            #expect(try await server.call("GET", "/v1/collections", headers: [("X-API-Key", newKey)]).status == 401)
            #expect(try await server.call("DELETE", "/v1/keys/missing", headers: asAdmin).status == 404)

            let metrics = try await server.call("GET", "/metrics")
            #expect(metrics.status == 200 && metrics.text.contains("vectorlogic_auth_failures_total"))
        }
    }

    /// With auth off (the default) every route answers without a key, and keys can still be prepared.
    @Test func authOffServesWithoutKeys() async throws {
        try await withServer { server in
            #expect(try await server.call("GET", "/v1/collections").status == 200)
            let created = try await server.call("POST", "/v1/keys", #"{"name":"later","permissions":["admin"],"expires_in_days":null}"#)
            #expect(created.status == 201 && created.data?["expires_at"] == .null)
            #expect(try await server.call("POST", "/v1/keys", #"{"name":"bad","permissions":["root"]}"#).status == 400)
        }
    }
}
