public import VectorLogicSQLite
import VectorLogicJSON

extension PersonaStore {
    /// Builds a fresh persona store at `fresh` (by `PersonaStore(path:)`, the server's own open) from every row of the
    /// damaged store at `damaged` that can still be read and passes the limits a client write passes, for
    /// `vectorlogic repair`: personas first, then memories in `seq` order with their `seq` kept (page cursors stay
    /// valid). A memory whose persona was lost, whose context is not a JSON object or whose vector does not match its
    /// dimension (or its persona's first vector) is dropped. `damaged` is read through a scratch copy, never changed.
    public static func salvage(from damaged: String, into fresh: String) throws -> [StoreTableSalvage] {
        try PersonaStoreError.mapping {
            try SQLiteScratchCopy.withSalvageSource(damaged) { source in try salvage(from: source, into: fresh) }
        }
    }

    private static func salvage(from source: SQLiteConnection, into fresh: String) throws -> [StoreTableSalvage] {
        let store = try PersonaStore(path: fresh)
        defer { store.close() }
        var personas = StoreTableSalvage(table: "personas")
        var memories = StoreTableSalvage(table: "memories")
        try store.locked { state in
            let connection = state.connection
            try connection.transaction { () throws in
                let saved = try salvagePersonas(from: source, into: connection, tally: &personas)
                try salvageMemories(from: source, into: connection, personas: saved, tally: &memories)
                // AUTOINCREMENT never reuses a seq: keep the damaged file's high-water mark when it is still readable.
                if let high = try? source.strings("SELECT seq FROM sqlite_sequence WHERE name = 'memories'").first.flatMap({ Int64($0) }) {
                    let update = try connection.statement("UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'memories'")
                    try update.bind(1, high)
                    try update.run()
                }
            }
        }
        return [personas, memories]
    }

    /// Copies the valid personas; returns their ids.
    private static func salvagePersonas(from source: SQLiteConnection, into target: SQLiteConnection,
                                        tally: inout StoreTableSalvage) throws -> Set<String> {
        let insert = try target.statement("""
            INSERT OR IGNORE INTO personas(id, name, system_prompt, max_memory_size, memory_decay_ms, temperature, max_tokens,
                                           is_active, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        var saved = Set<String>()
        try source.salvageRows(of: "personas", columns: """
            id, name, system_prompt, max_memory_size, memory_decay_ms, temperature, max_tokens, is_active, created_at, updated_at
            """, into: &tally) { row in
            let id = row.string(1)
            let settings = PersonaSchema.settings(row, offset: 1)
            guard !id.isEmpty, id.utf8.count <= 256, (try? settings.validate()) != nil else { return .dropped }
            insert.reset()
            try insert.bind(1, id)
            try PersonaStore.bind(settings, to: insert)
            try insert.bind(9, row.int64(9))
            try insert.bind(10, row.int64(10))
            try insert.run()
            guard target.changes > 0 else { return .dropped }
            saved.insert(id)
            return .saved
        }
        return saved
    }

    /// Copies the valid memories of the saved personas, keeping each memory's `seq`.
    private static func salvageMemories(from source: SQLiteConnection, into target: SQLiteConnection, personas: Set<String>,
                                        tally: inout StoreTableSalvage) throws {
        let insert = try target.statement("""
            INSERT OR IGNORE INTO memories(seq, id, persona_id, content, context, vector, dimension, timestamp)
            VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        var dimensions: [String: Int] = [:]
        try source.salvageRows(of: "memories", columns: "\(PersonaSchema.memoryColumns), vector", into: &tally) { row in
            guard let memory = try? PersonaSchema.memory(row, offset: 1), personas.contains(memory.personaID),
                  !memory.id.isEmpty, !memory.content.isEmpty, validVector(row.blob(7), memory.dimension, of: memory.personaID, &dimensions) else {
                return .dropped
            }
            insert.reset()
            try insert.bind(1, row.int64(0))
            try insert.bind(2, memory.id)
            try insert.bind(3, memory.personaID)
            try insert.bind(4, memory.content)
            try insert.bind(5, JSONWriter.string(.object(memory.context)))
            try insert.bind(6, row.blob(7))
            if let dimension = memory.dimension { try insert.bind(7, dimension) }
            try insert.bind(8, memory.timestamp)
            try insert.run()
            return target.changes > 0 ? .saved : .dropped
        }
    }

    /// A memory's vector must be absent with no dimension, or `dimension` finite floats agreeing with its persona's
    /// other vectors (the first saved one fixes the dimension, as a client's first vector does).
    private static func validVector(_ blob: [UInt8]?, _ dimension: Int?, of persona: String, _ dimensions: inout [String: Int]) -> Bool {
        guard let blob else { return dimension == nil }
        guard let dimension, blob.count == dimension * 4, let vector = MemoryVector.decode(blob),
              (try? MemoryVector.validate(vector, field: "vector")) != nil else { return false }
        if let fixed = dimensions[persona] { return fixed == dimension }
        dimensions[persona] = dimension
        return true
    }
}
