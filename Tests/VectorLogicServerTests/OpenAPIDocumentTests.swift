import Testing
import VectorLogicJSON

/// `/openapi.json` is a valid OpenAPI 3.1 document listing exactly the routes the server serves.
@Suite struct OpenAPIDocumentTests {
    static let served: [String: Set<String>] = [
        "/admin": ["get"], "/health": ["get"], "/ready": ["get"], "/metrics": ["get"], "/openapi.json": ["get"], "/v1/stats": ["get"],
        "/v1/collections": ["get", "post"], "/v1/collections/{collection}": ["get", "delete"],
        "/v1/collections/{collection}/vectors": ["post"], "/v1/collections/{collection}/vectors/delete": ["post"],
        "/v1/collections/{collection}/vectors/{id}": ["get", "put", "patch", "delete"],
        "/v1/collections/{collection}/search": ["post"], "/v1/collections/{collection}/scroll": ["post"],
        "/v1/collections/{collection}/count": ["post"],
        "/v1/snapshots": ["get", "post"], "/v1/keys": ["get", "post"], "/v1/keys/{id}/rotate": ["post"], "/v1/keys/{id}": ["delete"], "/v1/snapshots/{name}": ["get", "delete"],
        "/vectors": ["post"], "/vectors/batch": ["post", "delete"], "/vectors/search": ["get", "post"], "/vectors/{id}": ["put", "delete"],
    ].merging(personaRoutes(prefix: "")) { $1 }.merging(personaRoutes(prefix: "/v1")) { $1 }

    /// The persona routes, served under the seed's short paths and under `/v1`.
    static func personaRoutes(prefix: String) -> [String: Set<String>] {
        [
            "\(prefix)/personas": ["get", "post"], "\(prefix)/personas/{id}": ["get", "put", "delete"],
            "\(prefix)/personas/{id}/memories": ["get", "post"], "\(prefix)/personas/{id}/memories/search": ["get", "post"],
            "\(prefix)/personas/{id}/memories/{mid}": ["delete"],
        ]
    }

    @Test func documentListsEveryServedRoute() async throws {
        try await withServer { server in
            let answer = try await server.call("GET", "/openapi.json")
            #expect(answer.status == 200 && answer.headers["content-type"]?.hasPrefix("application/json") == true)
            let document = try #require(answer.json)
            #expect(document["openapi"]?.string == "3.1.0")
            guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }
            #expect(Set(paths.keys) == Set(OpenAPIDocumentTests.served.keys))
            for (path, methods) in OpenAPIDocumentTests.served {
                guard case .object(let operations)? = paths[path] else { continue }
                #expect(Set(operations.keys).subtracting(["parameters"]) == methods, "\(path)")
            }
            // Every $ref points at a component that exists.
            let text = answer.text
            guard case .object(let components)? = document["components"] else { Issue.record("no components"); return }
            var index = text.startIndex
            while let range = text.range(of: "\"$ref\":\"#/components/", range: index..<text.endIndex) {
                let rest = text[range.upperBound...]
                let reference = rest.prefix { $0 != "\"" }.split(separator: "/")
                #expect(reference.count == 2 && components[String(reference[0])]?[String(reference[1])] != nil, "\(reference)")
                index = range.upperBound
            }
        }
    }
}
