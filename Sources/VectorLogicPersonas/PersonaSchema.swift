import VectorLogicJSON
import VectorLogicSQLite

/// The tables of `personas.sqlite` (data-format.md "personas.sqlite") and how rows become values.
enum PersonaSchema {
    /// `PRAGMA user_version` of this layout; a file with a larger one was written by a newer VectorLogic.
    static let version = 1

    /// `seq` orders memories (AUTOINCREMENT never reuses a value, so cursors stay valid after deletes);
    /// `timestamp` is only the decay job's age reference, since an injected or stepped clock may repeat values.
    static let tables = """
        CREATE TABLE IF NOT EXISTS personas(
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            system_prompt TEXT NOT NULL,
            max_memory_size INTEGER NOT NULL,
            memory_decay_ms INTEGER NOT NULL,
            temperature REAL NOT NULL,
            max_tokens INTEGER NOT NULL,
            is_active INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS memories(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            persona_id TEXT NOT NULL REFERENCES personas(id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            context TEXT NOT NULL,
            vector BLOB,
            dimension INTEGER,
            timestamp INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS memories_by_persona ON memories(persona_id, seq);
        CREATE INDEX IF NOT EXISTS memories_by_age ON memories(persona_id, timestamp);
        """

    /// Persona columns in the order `persona(_:)` reads them, with the live memory count last.
    static let personaColumns = """
        p.id, p.name, p.system_prompt, p.max_memory_size, p.memory_decay_ms, p.temperature, p.max_tokens, p.is_active,
        p.created_at, p.updated_at, (SELECT COUNT(*) FROM memories m WHERE m.persona_id = p.id)
        """

    /// Memory columns in the order `memory(_:)` reads them.
    static let memoryColumns = "id, persona_id, content, context, dimension, timestamp"

    static func persona(_ row: SQLiteStatement) -> Persona {
        Persona(id: row.string(0), settings: settings(row), createdAt: row.int64(8), updatedAt: row.int64(9),
                memoryCount: row.int(10))
    }

    /// The settings in columns `offset + 1 … offset + 7` (name … is_active), as `personaColumns` orders them.
    static func settings(_ row: SQLiteStatement, offset: Int32 = 0) -> PersonaSettings {
        var settings = PersonaSettings(name: row.string(offset + 1))
        settings.systemPrompt = row.string(offset + 2)
        settings.maxMemorySize = row.int(offset + 3)
        settings.memoryDecayMilliseconds = row.int64(offset + 4)
        settings.temperature = row.double(offset + 5)
        settings.maxTokens = row.int(offset + 6)
        settings.isActive = row.int64(offset + 7) != 0
        return settings
    }

    /// The memory of a row; a context that is not a JSON object means the file was damaged.
    static func memory(_ row: SQLiteStatement, offset: Int32 = 0) throws -> Memory {
        let contextText = row.string(offset + 3)
        guard case .object(let context)? = try? JSONParser.parse(contextText) else {
            throw PersonaStoreError.storage(.corrupt("a memory's context is not a JSON object"))
        }
        return Memory(id: row.string(offset), personaID: row.string(offset + 1), content: row.string(offset + 2), context: context,
                      dimension: row.isNull(offset + 4) ? nil : row.int(offset + 4), timestamp: row.int64(offset + 5))
    }
}
