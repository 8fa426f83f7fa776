import Testing
@testable import VectorLogicServer

/// A vector whose id equals a static segment beside `{id}` (`delete`, `batch`, `search`) is reachable by id like any
/// other. Before `ShadowedRoute`, `GET …/vectors/delete` answered 405 (the router took the static `POST …/vectors/delete`
/// node and never tried `…/vectors/{id}`), so a vector stored under that id by a batch upsert could not be read,
/// replaced or deleted.
@Suite struct ShadowedRouteTests {
    @Test func idsThatSpellAStaticSegmentAreReachable() async throws {
        try await withServer(configure: { $0.defaultDimension = 2 }) { server in
            let upsert = #"{"vectors":[{"id":"delete","values":[1,0],"metadata":{"k":1}},{"id":"search","values":[0,1]},{"id":"batch","values":[1,1]}]}"#
            #expect(try await server.call("POST", "/v1/collections/default/vectors", upsert).status == 200)
            let read = try await server.call("GET", "/v1/collections/default/vectors/delete")
            #expect(read.status == 200 && read.data?["id"]?.string == "delete", "\(read.text)")
            let put = try await server.call("PUT", "/v1/collections/default/vectors/delete", #"{"values":[0.5,0.5]}"#)
            #expect(put.status == 200, "\(put.text)")
            let patch = try await server.call("PATCH", "/v1/collections/default/vectors/delete", #"{"metadata":{"k":2}}"#)
            #expect(patch.status == 200, "\(patch.text)")
            #expect(try await server.call("GET", "/v1/collections/default/vectors/delete").data?["metadata"]?["k"]?.number == 2)
            // The static route keeps its own method: a bulk delete by ids still works on the same path.
            let bulk = try await server.call("POST", "/v1/collections/default/vectors/delete", #"{"ids":["batch"]}"#)
            #expect(bulk.status == 200, "\(bulk.text)")
            #expect(try await server.call("GET", "/v1/collections/default/vectors/batch").status == 404)
            let removed = try await server.call("DELETE", "/v1/collections/default/vectors/delete")
            #expect(removed.status == 200, "\(removed.text)")
            #expect(try await server.call("GET", "/v1/collections/default/vectors/delete").status == 404)
            // The seed's short routes: `PUT /vectors/search` replaces the vector `search` (GET/POST stay searches).
            let short = try await server.call("PUT", "/vectors/search", #"{"vector":[0.6,0.8]}"#)
            #expect(short.status == 200, "\(short.text)")
            #expect(try await server.call("GET", "/v1/collections/default/vectors/search", "").data?["id"]?.string == "search")
            #expect(try server.database.count("default", filter: nil) == 1)
        }
    }

    /// The hidden routes are found from the table: every one is a parameter route's method that the static template
    /// does not serve, bound to the literal segment; and the template served under the same method is never taken over.
    @Test func shadowsAreDerivedFromTheTable() async throws {
        try await withServer { server in
            let state = ServerState(database: server.database, personas: server.personas, configuration: ServerConfiguration(),
                                    residentBytes: { nil })
            let table = Routes.table(state: state, keys: server.keys)
            let shadowed = ShadowedRoute.all(in: table)
            let served = Set(table.map(\.route.description))
            let pairs = Set(shadowed.map { "\($0.definition.route.method.rawValue) \($0.path)" })
            #expect(pairs.contains("GET /v1/collections/:collection/vectors/delete"))
            #expect(pairs.contains("DELETE /v1/collections/:collection/vectors/delete"))
            #expect(pairs.contains("PUT /vectors/batch"))
            #expect(!pairs.contains("POST /v1/collections/:collection/vectors/delete"), "the bulk delete keeps its path")
            #expect(pairs.isDisjoint(with: served))
            for route in shadowed {
                #expect(route.bindings.allSatisfy { !$0.value.hasPrefix(":") } && !route.bindings.isEmpty)
            }
        }
    }
}
