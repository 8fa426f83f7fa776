import Testing
@testable import VectorLogicServer
import VectorLogicJSON

/// `/openapi.json` is a valid OpenAPI 3.1 document listing exactly the routes the server serves.
@Suite struct OpenAPIDocumentTests {
    /// The served routes, from the server's own route table (a new route is covered without editing this test).
    static func served(_ server: TestServer) -> [String: Set<String>] {
        let state = ServerState(database: server.database, personas: server.personas, configuration: ServerConfiguration(),
                                residentBytes: { nil })
        var served: [String: Set<String>] = [:]
        for definition in Routes.table(state: state, keys: server.keys) {
            served[definition.route.openAPIPath, default: []].insert(definition.route.method.rawValue.lowercased())
        }
        return served
    }

    /// Each route's operation id is declared once, in the route table, and the document names the same one; the persona
    /// routes (no id in the table) are documented once, as a shared path item both prefixes refer to.
    @Test func operationIDsMatchTheRouteTable() async throws {
        try await withServer { server in
            let document = try #require(OpenAPIDocument.value)
            let state = ServerState(database: server.database, personas: server.personas, configuration: ServerConfiguration(),
                                    residentBytes: { nil })
            var seen = Set<String>()
            for route in Routes.table(state: state, keys: server.keys).map(\.route) {
                let item = try #require(document["paths"]?[route.openAPIPath], "\(route)")
                if let id = route.operationID {
                    #expect(item[route.method.rawValue.lowercased()]?["operationId"]?.string == id, "\(route)")
                    #expect(seen.insert(id).inserted, "operation id \(id) is unique")
                } else {
                    #expect(item["$ref"]?.string?.hasPrefix("#/components/pathItems/") == true, "\(route) is a shared path item")
                }
            }
            #expect(seen.count >= 30)
        }
    }

    @Test func documentListsEveryServedRoute() async throws {
        try await withServer { server in
            let answer = try await server.call("GET", "/openapi.json")
            #expect(answer.status == 200 && answer.headers["content-type"]?.hasPrefix("application/json") == true)
            let document = try #require(answer.json)
            #expect(document["openapi"]?.string == "3.1.0")
            guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }
            let served = OpenAPIDocumentTests.served(server)
            #expect(served.count >= 25 && served["/v1/collections/{collection}/search"] == ["post"])
            #expect(Set(paths.keys) == Set(served.keys))
            for (path, methods) in served {
                guard var item = paths[path] else { continue }
                // Path items shared by the persona twins are described once, under components/pathItems.
                if let reference = item["$ref"]?.string {
                    let name = try #require(reference.split(separator: "/").last.map(String.init))
                    #expect(reference == "#/components/pathItems/\(name)")
                    item = try #require(document["components"]?["pathItems"]?[name])
                }
                guard case .object(let operations) = item else { continue }
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
