public import VectorLogicJSON
import VectorLogicPersonas
import VectorLogicAccess

/// The request-body fuzz property (`Fuzz/Sources/FuzzRequestBodies`, replayed by `FailCaseReplayServerTests`): the
/// input is offered as each persona and key body (`PersonaFields`, `MemoryBody`, `MemorySearchBody`, `CreateKeyBody`)
/// and each search body (`SearchBody` with the `/v1` and the short routes' keys, `SearchBatchBody`), exactly as a route
/// decodes it; what one accepts, written back as JSON, is accepted again with the same fields.
/// Nothing traps. Nil when every kind refuses the input or passes, else what broke.
@_spi(Fuzzing) public enum ServerFuzzChecks {
    /// Checks every persona, key and search body decoder on `input`.
    public static func requestBodies(_ input: UnsafeRawBufferPointer) -> String? {
        for kind in BodyKind.allCases {
            guard let fields = decode(kind, input) else { continue }
            let text = JSONWriter.bytes(fields)
            guard let again = text.withUnsafeBytes({ decode(kind, $0) }) else { return "\(kind): the accepted fields, written back, are refused" }
            guard JSONWriter.bytes(again) == text else { return "\(kind): the accepted fields change when written back and read again" }
        }
        return nil
    }

    enum BodyKind: CaseIterable {
        case persona, memory, memorySearch, createKey
        /// `/v1/…/search` (also what `SearchLane` decodes), the short routes' lenient form, and the batch route.
        case search, shortSearch, searchBatch
    }

    /// The fields a route would take from `bytes`, as JSON; nil when the route answers 400.
    static func decode(_ kind: BodyKind, _ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        var reader = JSONReader(bytes)
        do {
            let fields: JSONValue
            switch kind {
            case .persona: fields = json(try PersonaFields.decode(&reader))
            case .memory: fields = json(try MemoryBody.decode(&reader))
            case .memorySearch: fields = json(try MemorySearchBody.decode(&reader))
            case .createKey: fields = json(try CreateKeyBody.decode(&reader))
            case .search: fields = json(try SearchBody.decode(&reader, keys: SearchBody.keys))
            case .shortSearch: fields = json(try SearchBody.decode(&reader, keys: SearchBody.shortKeys))
            case .searchBatch: fields = .object(JSONObject([("queries", .array(try SearchBatchBody.decode(&reader).map(json)))]))
            }
            try reader.finish()
            return fields
        } catch {
            return nil
        }
    }

    static func json(_ fields: PersonaFields) -> JSONValue {
        .object(JSONObject([("name", fields.name.map(JSONValue.string)), ("system_prompt", fields.systemPrompt.map(JSONValue.string)),
                            ("max_memory_size", fields.maxMemorySize.map { .number(Double($0)) }),
                            ("memory_decay_ms", fields.memoryDecayMilliseconds.map { .number(Double($0)) }),
                            ("temperature", fields.temperature.map(JSONValue.number)),
                            ("max_tokens", fields.maxTokens.map { .number(Double($0)) }),
                            ("is_active", fields.isActive.map(JSONValue.bool))].compactMap { key, value in value.map { (key, $0) } }))
    }

    static func json(_ memory: NewMemory) -> JSONValue {
        var object = JSONObject([("content", .string(memory.content)), ("context", .object(memory.context))])
        if let vector = memory.vector { object["vector"] = floats(vector) }
        return .object(object)
    }

    static func json(_ search: MemorySearchBody) -> JSONValue {
        var object = JSONObject([("limit", .number(Double(search.limit))), ("threshold", .number(search.threshold))])
        if let vector = search.vector { object["vector"] = floats(vector) }
        if let query = search.query { object["query"] = .string(query) }
        return .object(object)
    }

    /// A search body's fields under their canonical keys. The filter is left out: its parser has its own target
    /// (`FuzzFilter`), and written back without it the rest must read the same.
    static func json(_ search: SearchBody) -> JSONValue {
        var object = JSONObject([("k", .number(Double(search.k))), ("include_metadata", .bool(search.includeMetadata)),
                                 ("include_values", .bool(search.includeValues)), ("include_document", .bool(search.includeDocument))])
        if let vector = search.vector { object["vector"] = floats(vector) }
        if let query = search.query { object["query"] = .string(query) }
        if let ef = search.ef { object["ef"] = .number(Double(ef)) }
        if search.thresholdGiven { object["threshold"] = search.thresholdAsSent.map(JSONValue.number) ?? .null }
        return .object(object)
    }

    static func json(_ key: CreateKeyBody) -> JSONValue {
        let permissions = APIKeyPermission.allCases.filter { key.permissions.contains($0) }.map { JSONValue.string($0.rawValue) }
        return .object(JSONObject([("name", .string(key.name)), ("permissions", .array(permissions)),
                                   ("rate_limit_per_minute", .number(Double(key.rateLimitPerMinute))),
                                   ("expires_in_days", key.expiresInDays.map { .number(Double($0)) } ?? .null)]))
    }

    private static func floats(_ vector: [Float]) -> JSONValue { .array(vector.map { .number(Double($0)) }) }
}
