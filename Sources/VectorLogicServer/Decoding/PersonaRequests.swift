import VectorLogicJSON
import VectorLogicPersonas

/// `POST /personas` and `PUT /personas/{id}`: the fields a body gave, each type-checked here; ranges are checked by
/// `PersonaSettings.validate()`. The original design's camelCase names (`systemPrompt`, `maxMemorySize`,
/// `memoryDecayTime`, `maxTokens`, `isActive`, and `parameters: {temperature, maxTokens}`) are accepted beside the
/// snake_case ones; an unknown field is a 400 naming it, so a misspelt setting never silently becomes its default.
struct PersonaFields {
    var name: String?
    var systemPrompt: String?
    var maxMemorySize: Int?
    var memoryDecayMilliseconds: Int64?
    var temperature: Double?
    var maxTokens: Int?
    var isActive: Bool?

    /// Integers beyond float64's exact range cannot be told apart, so they are refused as types, not ranges.
    static let wideRange = -(1 << 53)...(1 << 53)

    /// The generation parameters object of the original design.
    static let parameterKeys = BodyKeys(["temperature", "max_tokens"], aliases: ["maxTokens": "max_tokens"])
    /// The body's keys.
    static let keys = BodyKeys(
        ["name", "system_prompt", "max_memory_size", "memory_decay_ms", "temperature", "max_tokens", "is_active", "parameters"],
        aliases: ["systemPrompt": "system_prompt", "maxMemorySize": "max_memory_size", "memoryDecayTime": "memory_decay_ms",
                  "memory_decay_time": "memory_decay_ms", "maxTokens": "max_tokens", "isActive": "is_active"],
        nested: ["parameters": parameterKeys])

    static func decode(_ reader: inout JSONReader) throws -> PersonaFields {
        var fields = PersonaFields()
        try reader.object("body", keys: keys) { name, key, reader in
            switch name {
            case "parameters":
                try reader.object("parameters", keys: parameterKeys) { name, key, reader in
                    try fields.read(name, sent: "parameters.\(key)", &reader)
                }
            default: try fields.read(name, sent: key, &reader)
            }
        }
        return fields
    }

    /// Reads the value of the declared key `name` (sent as `sent`, which the 400s name).
    private mutating func read(_ name: String, sent: String, _ reader: inout JSONReader) throws {
        switch name {
        case "name": self.name = try reader.string(sent)
        case "system_prompt": systemPrompt = try reader.string(sent)
        case "max_memory_size": maxMemorySize = try reader.integer(sent, range: Self.wideRange)
        case "memory_decay_ms": memoryDecayMilliseconds = Int64(try reader.integer(sent, range: Self.wideRange))
        case "temperature": temperature = try reader.double(sent)
        case "max_tokens": maxTokens = try reader.integer(sent, range: Self.wideRange)
        case "is_active": isActive = try reader.bool(sent)
        default: throw reader.undecoded(name)
        }
    }

    /// The settings of a new persona: `name` is required, the rest default as docs/api.md (`PersonaSettings`) shows.
    func newSettings() throws -> PersonaSettings {
        guard let name else { throw APIError.invalid("name is required", field: "name") }
        var settings = PersonaSettings(name: name)
        apply(to: &settings)
        return settings
    }

    /// PUT merges: every field given replaces the stored one, every field left out keeps its value.
    func apply(to settings: inout PersonaSettings) {
        if let name { settings.name = name }
        if let systemPrompt { settings.systemPrompt = systemPrompt }
        if let maxMemorySize { settings.maxMemorySize = maxMemorySize }
        if let memoryDecayMilliseconds { settings.memoryDecayMilliseconds = memoryDecayMilliseconds }
        if let temperature { settings.temperature = temperature }
        if let maxTokens { settings.maxTokens = maxTokens }
        if let isActive { settings.isActive = isActive }
    }
}

/// `POST /personas/{id}/memories`: `{"content","context"?,"vector"?}`.
enum MemoryBody {
    static let keys = BodyKeys(["content", "context", "vector"])

    static func decode(_ reader: inout JSONReader) throws -> NewMemory {
        var content: String?
        var context = JSONObject()
        var vector: [Float]?
        try reader.object("body", keys: keys) { key, _, reader in
            switch key {
            case "content": content = try reader.string(key)
            case "context":
                if case .object(let object)? = try reader.metadata(key) { context = object }
            case "vector":
                if try reader.null(key) { return }
                vector = try reader.vector(key)
            default: throw reader.undecoded(key)
            }
        }
        guard let content else { throw APIError.invalid("content is required", field: "content") }
        return NewMemory(content: content, context: context, vector: vector)
    }
}

/// A memory search: `vector` (or a text `query`, which needs an embedding provider), `limit` 1…1,000 (5),
/// `threshold` (0.7).
struct MemorySearchBody {
    var vector: [Float]?
    var query: String?
    var limit = 5
    var threshold = 0.7

    static let keys = BodyKeys(["vector", "query", "limit", "threshold"])

    static func decode(_ reader: inout JSONReader) throws -> MemorySearchBody {
        var body = MemorySearchBody()
        try reader.object("body", keys: keys) { key, _, reader in
            switch key {
            case "vector":
                if try reader.null(key) { return }
                body.vector = try reader.vector(key)
            case "query":
                if try reader.null(key) { return }
                body.query = try reader.string(key)
            case "limit": body.limit = try reader.integer(key)
            case "threshold": body.threshold = try reader.double(key)
            default: throw reader.undecoded(key)
            }
        }
        return body
    }

    /// The query vector; a text query alone is a 400 because no embedding provider exists (as for `/vectors/search`).
    func requireVector() throws -> [Float] {
        guard let vector else {
            if query != nil {
                throw APIError.invalid("a text \"query\" needs an embedding provider, and none is configured; send \"vector\" instead",
                                       field: "query")
            }
            throw APIError.invalid("\"vector\" is required (or \"query\" once an embedding provider is configured)", field: "vector")
        }
        return vector
    }
}
