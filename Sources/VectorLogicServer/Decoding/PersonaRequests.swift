import VectorLogicJSON
import VectorLogicPersonas

/// `POST /personas` and `PUT /personas/{id}`: the fields a body gave, each type-checked here; ranges are checked by
/// `PersonaSettings.validate()`. Unknown fields are ignored (api.md, the seed's lenient routes).
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

    static func decode(_ reader: inout JSONReader) throws -> PersonaFields {
        var fields = PersonaFields()
        try reader.object("body") { key, reader in
            switch key {
            case "name": fields.name = try reader.string(key)
            case "system_prompt": fields.systemPrompt = try reader.string(key)
            case "max_memory_size": fields.maxMemorySize = try reader.integer(key, range: wideRange)
            case "memory_decay_ms": fields.memoryDecayMilliseconds = Int64(try reader.integer(key, range: wideRange))
            case "temperature": fields.temperature = try reader.double(key)
            case "max_tokens": fields.maxTokens = try reader.integer(key, range: wideRange)
            case "is_active": fields.isActive = try reader.bool(key)
            default: try reader.skipUnknown(key)
            }
        }
        return fields
    }

    /// The settings of a new persona: `name` is required, the rest default as api.md shows.
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
    static func decode(_ reader: inout JSONReader) throws -> NewMemory {
        var content: String?
        var context = JSONObject()
        var vector: [Float]?
        try reader.object("body") { key, reader in
            switch key {
            case "content": content = try reader.string(key)
            case "context":
                if case .object(let object)? = try reader.metadata(key) { context = object }
            case "vector":
                if try reader.null(key) { return }
                vector = try reader.vector(key)
            default: try reader.skipUnknown(key)
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

    static func decode(_ reader: inout JSONReader) throws -> MemorySearchBody {
        var body = MemorySearchBody()
        try reader.object("body") { key, reader in
            switch key {
            case "vector":
                if try reader.null(key) { return }
                body.vector = try reader.vector(key)
            case "query":
                if try reader.null(key) { return }
                body.query = try reader.string(key)
            case "limit": body.limit = try reader.integer(key)
            case "threshold": body.threshold = try reader.double(key)
            default: try reader.skipUnknown(key)
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
