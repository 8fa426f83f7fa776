import Testing
@testable import VectorLogicServer
import VectorLogicJSON

/// Each route's request schema in `openapi.json` and the keys its decoder accepts (`APIRoute.body`) agree in both
/// directions, so the document cannot drift from the server (issue 9: `Search` documented 7 fields with
/// `additionalProperties: false` while the decoder took 17 spellings).
@Suite struct OpenAPIRequestSchemaTests {
    /// An object schema with its `$ref`s and `allOf` branches folded: its properties and whether others are refused.
    struct ObjectSchema {
        var properties: [String: JSONValue] = [:]
        var refusesOthers = false
    }

    let document: JSONValue

    init() throws {
        document = try #require(OpenAPIDocument.value)
    }

    /// `#/components/schemas/X` → its value.
    func resolve(_ value: JSONValue) throws -> JSONValue {
        var value = value
        for _ in 0..<8 {  // a reference to a reference, at most a few deep
            guard let reference = value["$ref"]?.string else { return value }
            let parts = reference.split(separator: "/").dropFirst().map(String.init)
            var target: JSONValue? = document
            for part in parts { target = target?[part] }
            value = try #require(target, "dangling \(reference)")
        }
        Issue.record("reference chain too long")
        return value
    }

    /// The object schema `value` describes: through `$ref`, `allOf` (merged), `oneOf`/`anyOf` (the branch that is an
    /// object or an array of objects) and arrays (their items).
    func objectSchema(_ value: JSONValue) throws -> ObjectSchema? {
        let value = try resolve(value)
        if case .array(let branches)? = value["allOf"] {
            var merged = ObjectSchema()
            for branch in branches {
                guard let part = try objectSchema(branch) else { continue }
                merged.properties.merge(part.properties) { first, _ in first }
                merged.refusesOthers = merged.refusesOthers || part.refusesOthers
            }
            if case .object(let own)? = value["properties"] { for (key, schema) in own.entries { merged.properties[key] = schema } }
            return merged
        }
        for combinator in ["oneOf", "anyOf"] {
            if case .array(let branches)? = value[combinator] {
                for branch in branches { if let found = try objectSchema(branch) { return found } }
                return nil
            }
        }
        if let items = value["items"] { return try objectSchema(items) }
        guard case .object(let properties)? = value["properties"] else { return nil }
        var schema = ObjectSchema()
        for (key, property) in properties.entries { schema.properties[key] = property }
        schema.refusesOthers = value["additionalProperties"] == .bool(false)
        return schema
    }

    /// The JSON request schema of `route`'s operation, or nil when it documents no body.
    func requestSchema(_ route: APIRoute) throws -> JSONValue? {
        var item = try #require(document["paths"]?[route.openAPIPath], "\(route) is documented")
        item = try resolve(item)
        if let reference = item["$ref"]?.string {
            item = try #require(document["components"]?["pathItems"]?[String(reference.split(separator: "/").last ?? "")])
        }
        guard let operation = item[route.method.rawValue.lowercased()], let body = operation["requestBody"] else { return nil }
        return try resolve(body)["content"]?["application/json"]?["schema"]
    }

    /// Compares declared keys with a schema, recursively through nested objects; returns the mismatches.
    func mismatches(_ keys: BodyKeys, _ schema: JSONValue, at path: String) throws -> [String] {
        guard let object = try objectSchema(schema) else { return ["\(path): the schema is not an object"] }
        var found: [String] = []
        let documented = Set(object.properties.keys)
        for key in keys.accepted.subtracting(documented).sorted() { found.append("\(path): the decoder accepts \"\(key)\", the schema does not list it") }
        for key in documented.subtracting(keys.accepted).sorted() { found.append("\(path): the schema lists \"\(key)\", the decoder refuses it") }
        if object.refusesOthers != (keys.unknown == .refuse) {
            found.append("\(path): additionalProperties \(object.refusesOthers ? "false" : "allowed") but the decoder \(keys.unknown == .refuse ? "refuses" : "ignores") unknown keys")
        }
        for (name, nested) in keys.nested {
            guard let property = object.properties[name] else { continue }
            found += try mismatches(nested, property, at: "\(path).\(name)")
        }
        return found
    }

    static func routes(_ server: TestServer) -> [APIRoute] {
        let state = ServerState(database: server.database, personas: server.personas, configuration: ServerConfiguration(),
                                residentBytes: { nil })
        return Routes.table(state: state, keys: server.keys).map(\.route)
    }

    /// Static direction: for every route, declared keys == documented properties (names and aliases, nested objects
    /// too), `additionalProperties: false` exactly when unknown keys are refused, and a body documented exactly when one
    /// is decoded.
    @Test func requestSchemasListExactlyTheKeysEachDecoderAccepts() async throws {
        try await withServer { server in
            var problems: [String] = []
            var checked = 0
            for route in Self.routes(server) {
                let schema = try requestSchema(route)
                switch (route.body, schema) {
                case (nil, nil): continue
                case (nil, _?): problems.append("\(route): documents a JSON body the route does not decode")
                case (_?, nil): problems.append("\(route): decodes a JSON body the document does not describe")
                case let (keys?, schema?):
                    problems += try mismatches(keys, schema, at: "\(route)")
                    checked += 1
                }
            }
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            #expect(checked >= 20, "routes with bodies: \(checked)")
        }
    }

    /// A value of the type a property's schema names (the probe only needs the key accepted, not the value valid).
    func example(_ property: JSONValue) throws -> String {
        let schema = try resolve(property)
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if case .array(let branches)? = schema[combinator], let first = branches.first { return try example(first) }
        }
        var type = schema["type"]?.string
        if case .array(let types)? = schema["type"] { type = types.compactMap(\.string).first { $0 != "null" } }
        switch type {
        case "string": return #""x""#
        case "integer": return "\(Int(schema["minimum"]?.number ?? 1))"
        case "number": return "0.5"
        case "boolean": return "true"
        case "array": return "[]"
        default: return "{}"
        }
    }

    /// A concrete path for a template: the probe collection, vector, persona and a made-up snapshot name.
    static func concrete(_ route: APIRoute, persona: String) -> String {
        route.path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            switch segment {
            case ":collection": return "probe"
            case ":id": return route.path.contains("personas") ? persona : "p1"
            case ":mid": return "00000000-0000-4000-8000-000000000000"
            default: return segment.hasPrefix(":") ? "x" : String(segment)
            }
        }.joined(separator: "/")
    }

    /// Dynamic direction, against the running server: every documented property (and nested property) sent alone is
    /// not answered "unknown field"; an undeclared key is refused by exactly the routes whose schema says so.
    @Test func theServerAcceptsEveryDocumentedKeyAndRefusesOthersWhereDocumented() async throws {
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections", #"{"name":"probe","dimension":3}"#)
            let created = try await server.call("POST", "/personas", #"{"name":"probe"}"#)
            let persona = try #require(created.data?["id"]?.string)
            var problems: [String] = []
            var probes = 0
            for route in Self.routes(server) {
                guard let keys = route.body, let schema = try requestSchema(route), let object = try objectSchema(schema) else { continue }
                let path = Self.concrete(route, persona: persona)
                var bodies: [(String, String)] = []
                for (key, property) in object.properties {
                    bodies.append((key, "{\"\(key)\":\(try example(property))}"))
                    guard let name = keys.canonical(key), keys.nested[name] != nil, let inner = try objectSchema(property) else { continue }
                    let isArray = try resolve(property)["type"]?.string == "array"
                    for (innerKey, innerProperty) in inner.properties {
                        let value = "{\"\(innerKey)\":\(try example(innerProperty))}"
                        bodies.append(("\(key).\(innerKey)", "{\"\(key)\":\(isArray ? "[\(value)]" : value)}"))
                    }
                }
                for (key, body) in bodies {
                    let answer = try await server.call(route.method.rawValue, path, body)
                    probes += 1
                    if answer.text.contains("unknown field") { problems.append("\(route) refused documented \(key): \(answer.text)") }
                }
                let undeclared = try await server.call(route.method.rawValue, path, #"{"zz_undeclared":1}"#)
                let refused = undeclared.status == 400 && undeclared.text.contains("unknown field zz_undeclared")
                if refused != (keys.unknown == .refuse) {
                    problems.append("\(route): an undeclared key was \(refused ? "refused" : "accepted"): \(undeclared.text)")
                }
            }
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            #expect(probes >= 100, "probes: \(probes)")
        }
    }

    /// The issue's example: every field the search decoder takes is documented, aliases say what they stand for.
    @Test func searchDocumentsItsAliases() throws {
        let schema = try #require(document["components"]?["schemas"]?["Search"])
        let search = try #require(try objectSchema(schema))
        #expect(Set(search.properties.keys) == SearchBody.keys.accepted)
        for (alias, name) in SearchBody.keys.aliases {
            #expect(search.properties[alias]?["description"]?.string?.contains("Alias of `\(name)`") == true, "\(alias)")
        }
    }
}
