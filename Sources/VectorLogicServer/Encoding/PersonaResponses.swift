import VectorLogicJSON
import VectorLogicPersonas

/// JSON shapes of the persona answers (snake_case, as `/openapi.json` describes them).
enum PersonaResponses {
    /// `{"id","name","system_prompt","max_memory_size","memory_decay_ms","temperature","max_tokens","is_active",
    /// "created_at","updated_at","memory_count"}`.
    static func persona(_ persona: Persona) -> JSONValue {
        let settings = persona.settings
        return .object(JSONObject([
            ("id", .string(persona.id)),
            ("name", .string(settings.name)),
            ("system_prompt", .string(settings.systemPrompt)),
            ("max_memory_size", .int(settings.maxMemorySize)),
            ("memory_decay_ms", .int(settings.memoryDecayMilliseconds)),
            ("temperature", .number(settings.temperature)),
            ("max_tokens", .int(settings.maxTokens)),
            ("is_active", .bool(settings.isActive)),
            ("created_at", .int(persona.createdAt)),
            ("updated_at", .int(persona.updatedAt)),
            ("memory_count", .int(persona.memoryCount)),
        ]))
    }

    /// `{"id","persona_id","content","context","timestamp","dimension"}`; dimension is null for a memory without a vector.
    static func memory(_ memory: Memory) -> JSONValue {
        .object(JSONObject([
            ("id", .string(memory.id)),
            ("persona_id", .string(memory.personaID)),
            ("content", .string(memory.content)),
            ("context", .object(memory.context)),
            ("timestamp", .int(memory.timestamp)),
            ("dimension", memory.dimension.map { .int($0) } ?? .null),
        ]))
    }

    /// `{"id","content","context","timestamp","score"}`.
    static func match(_ match: MemoryMatch) -> JSONValue {
        .object(JSONObject([
            ("id", .string(match.memory.id)),
            ("content", .string(match.memory.content)),
            ("context", .object(match.memory.context)),
            ("timestamp", .int(match.memory.timestamp)),
            ("score", .number(Double(match.score))),
        ]))
    }

    /// `{"id","deleted":true}`.
    static func deleted(_ id: String) -> JSONValue {
        .object(JSONObject([("id", .string(id)), ("deleted", .bool(true))]))
    }
}
