import VectorLogicSQLite

extension PersonaStore {
    /// Adds a memory to a persona, then removes its oldest memories beyond `max_memory_size`, in one transaction.
    /// The caller makes the id. Throws `.personaNotFound`, `.invalid`, or `.dimensionMismatch` when the vector's length
    /// differs from the persona's existing memory vectors.
    public func addMemory(id: String, to personaID: String, _ memory: NewMemory) throws -> Memory {
        let contextText = try memory.validate()
        let time = now()
        let stored = Memory(id: id, personaID: personaID, content: memory.content, context: memory.context,
                            dimension: memory.vector?.count, timestamp: time)
        try locked { state in
            try state.connection.transaction { () throws in
                let persona = try PersonaStore.requirePersona(personaID, in: state.connection)
                if let vector = memory.vector, let expected = try PersonaStore.dimension(of: personaID, in: state.connection),
                   expected != vector.count {
                    throw PersonaStoreError.dimensionMismatch(expected: expected, actual: vector.count)
                }
                let insert = try state.connection.statement("""
                    INSERT INTO memories(id, persona_id, content, context, vector, dimension, timestamp)
                    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """)
                try insert.bind(1, id)
                try insert.bind(2, personaID)
                try insert.bind(3, memory.content)
                try insert.bind(4, contextText)
                try insert.bind(5, memory.vector.map(MemoryVector.encode))
                if let vector = memory.vector { try insert.bind(6, vector.count) }
                try insert.bind(7, time)
                try insert.run()
                try PersonaStore.trim(personaID, to: persona.settings.maxMemorySize, in: state.connection)
            }
            state.vectors[personaID] = nil
        }
        return stored
    }

    /// A page of a persona's memories, newest first; `cursor` is a previous page's `nextCursor`.
    /// Throws `.personaNotFound`, or `.invalid` for a limit outside 1…1,000 or a cursor this store did not make.
    public func memories(of personaID: String, limit: Int, cursor: String?) throws -> MemoryPage {
        guard PersonaLimits.limit.contains(limit) else {
            throw PersonaStoreError.invalid(field: "limit", message: "limit must be an integer from 1 to 1000")
        }
        var before = Int64.max
        if let cursor {
            guard let seq = MemoryCursor.decode(cursor) else {
                throw PersonaStoreError.invalid(field: "cursor", message: "cursor is not one this server returned")
            }
            before = seq
        }
        return try locked { state in
            _ = try PersonaStore.requirePersona(personaID, in: state.connection)
            let query = try state.connection.statement("""
                SELECT seq, \(PersonaSchema.memoryColumns) FROM memories WHERE persona_id = ?1 AND seq < ?2
                ORDER BY seq DESC LIMIT ?3
                """)
            try query.bind(1, personaID)
            try query.bind(2, before)
            try query.bind(3, limit + 1)
            var memories: [Memory] = []
            var lastSeq: Int64 = 0
            var more = false
            while try query.step() {
                guard memories.count < limit else {
                    more = true
                    break
                }
                lastSeq = query.int64(0)
                memories.append(try PersonaSchema.memory(query, offset: 1))
            }
            query.reset()
            return MemoryPage(memories: memories, nextCursor: more ? MemoryCursor.encode(lastSeq) : nil)
        }
    }

    /// Deletes one memory; throws `.personaNotFound` or `.memoryNotFound`.
    public func deleteMemory(_ memoryID: String, of personaID: String) throws {
        try locked { state in
            try state.connection.transaction { () throws in
                _ = try PersonaStore.requirePersona(personaID, in: state.connection)
                let delete = try state.connection.statement("DELETE FROM memories WHERE persona_id = ?1 AND id = ?2")
                try delete.bind(1, personaID)
                try delete.bind(2, memoryID)
                try delete.run()
                guard state.connection.changes > 0 else { throw PersonaStoreError.memoryNotFound(persona: personaID, memory: memoryID) }
            }
            state.vectors[personaID] = nil
        }
    }

    /// The dimension the persona's memory vectors share, or nil while none has a vector.
    static func dimension(of personaID: String, in connection: SQLiteConnection) throws -> Int? {
        let query = try connection.statement("SELECT dimension FROM memories WHERE persona_id = ?1 AND dimension IS NOT NULL LIMIT 1")
        try query.bind(1, personaID)
        guard try query.step() else { return nil }
        let dimension = query.int(0)
        query.reset()
        return dimension
    }
}

/// Page cursors: the `seq` of the last memory returned, in hex behind a version letter, so clients treat it as opaque
/// and a later format can be told apart.
enum MemoryCursor {
    static func encode(_ seq: Int64) -> String { "m" + String(seq, radix: 16) }

    static func decode(_ text: String) -> Int64? {
        guard text.hasPrefix("m"), text.count <= 17, let seq = Int64(text.dropFirst(), radix: 16), seq > 0 else { return nil }
        return seq
    }
}
