import VectorLogicJSON

/// The keys one request body accepts, declared once beside its decoder.
///
/// The decoder reads every object through `JSONReader.object(_:keys:_:)`, which refuses (or, on the lenient short
/// routes, skips) any key not declared here, so this value *is* what the decoder accepts. The route table names it for
/// each route with a body (`APIRoute.body`), and `OpenAPIRequestSchemaTests` compares it with the route's request
/// schema in `openapi.json` in both directions: every accepted spelling is a documented property, every documented
/// property is accepted by the running server, and `additionalProperties: false` exactly when unknown keys are refused.
public struct BodyKeys: Sendable, Hashable {
    /// What happens to a key that is not declared.
    public enum Unknown: Sendable, Hashable {
        /// 400 `invalid_request` "unknown field …" (the `/v1` routes, personas, keys).
        case refuse
        /// Ignored (the seed's short routes, whose clients send extra fields).
        case skip
    }

    /// The canonical names, as the OpenAPI document spells them.
    public let names: [String]
    /// Other spellings accepted for a canonical name (Qdrant's and the seed's), each documented as a property too.
    public let aliases: [String: String]
    /// The keys of nested objects (for an array of objects: of its items), by canonical name.
    public let nested: [String: BodyKeys]
    /// What happens to undeclared keys.
    public let unknown: Unknown

    init(_ names: [String], aliases: [String: String] = [:], nested: [String: BodyKeys] = [:], unknown: Unknown = .refuse) {
        precondition(Set(names).count == names.count, "a key declared twice")
        precondition(aliases.values.allSatisfy(names.contains) && aliases.keys.allSatisfy { !names.contains($0) },
                     "an alias must name a declared key and not be one")
        precondition(nested.keys.allSatisfy(names.contains), "nested keys belong to a declared key")
        self.names = names
        self.aliases = aliases
        self.nested = nested
        self.unknown = unknown
    }

    /// Every spelling the decoder accepts: names and aliases.
    public var accepted: Set<String> { Set(names).union(aliases.keys) }

    /// The canonical name of `key`, or nil when it is not declared.
    func canonical(_ key: String) -> String? {
        if let name = aliases[key] { return name }
        return names.contains(key) ? key : nil
    }

    /// The same keys with another policy for undeclared ones.
    func with(unknown: Unknown) -> BodyKeys {
        BodyKeys(names, aliases: aliases, nested: nested.mapValues { $0.with(unknown: unknown) }, unknown: unknown)
    }
}

extension JSONReader {
    /// Iterates an object's keys through `keys`: `body` gets each declared key's canonical name (and the spelling sent, for
    /// messages) and must read its value; undeclared keys are refused or skipped as `keys.unknown` says.
    mutating func object(_ field: String, item: Int? = nil, keys: BodyKeys,
                         _ body: (_ name: String, _ sent: String, inout JSONReader) throws -> Void) throws {
        try object(field, item: item) { key, reader in
            guard let name = keys.canonical(key) else {
                switch keys.unknown {
                case .refuse:
                    // `vectors[3].x` (the item names the array), `index.x` (a nested object) or `x` (the body).
                    throw reader.unknown(item != nil || field == "body" ? key : "\(field).\(key)", item: item)
                case .skip: try reader.skipUnknown(key)
                }
                return
            }
            try body(name, key, &reader)
        }
    }

    /// The error for a declared key its decoder does not read: a programming error, answered as an unknown field so it
    /// is never silently dropped (`OpenAPIRequestSchemaTests` sends every documented key to the running server and sees it).
    func undecoded(_ name: String) -> APIError {
        unknown(name)
    }
}
