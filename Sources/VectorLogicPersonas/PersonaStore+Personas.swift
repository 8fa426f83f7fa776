import VectorLogicSQLite

extension PersonaStore {
    /// Makes a persona; the caller makes the id (the server's UUIDv4). Throws `.invalid` for settings out of range.
    public func createPersona(id: String, _ settings: PersonaSettings) throws -> Persona {
        try settings.validate()
        let time = now()
        try locked { state in
            try state.connection.transaction { () throws in
                let insert = try state.connection.statement("""
                    INSERT INTO personas(id, name, system_prompt, max_memory_size, memory_decay_ms, temperature, max_tokens,
                                         is_active, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
                    """)
                try insert.bind(1, id)
                try PersonaStore.bind(settings, to: insert)
                try insert.bind(9, time)
                try insert.run()
            }
        }
        return Persona(id: id, settings: settings, createdAt: time, updatedAt: time, memoryCount: 0)
    }

    /// Every persona, oldest first.
    public func listPersonas() throws -> [Persona] {
        try locked { state in
            let query = try state.connection.statement("SELECT \(PersonaSchema.personaColumns) FROM personas p ORDER BY p.created_at, p.id")
            var personas: [Persona] = []
            while try query.step() { personas.append(PersonaSchema.persona(query)) }
            return personas
        }
    }

    /// The persona with this id, or nil.
    public func persona(_ id: String) throws -> Persona? {
        try locked { state in try PersonaStore.persona(id, in: state.connection) }
    }

    /// Replaces the persona's settings; lowering `maxMemorySize` removes the oldest memories over it in the same
    /// transaction. Throws `.personaNotFound` or `.invalid`.
    public func updatePersona(_ id: String, _ settings: PersonaSettings) throws -> Persona {
        try updatePersona(id) { $0 = settings }
    }

    /// Reads the persona's settings, lets `change` edit them, validates and stores the result, all under one lock and
    /// one transaction (so two concurrent partial updates cannot lose each other's fields). Lowering `maxMemorySize`
    /// removes the oldest memories over it at once. Throws `.personaNotFound`, `.invalid`, or what `change` throws.
    public func updatePersona(_ id: String, _ change: (inout PersonaSettings) throws -> Void) throws -> Persona {
        let time = now()
        return try locked { state in
            guard var settings = try PersonaStore.persona(id, in: state.connection)?.settings else {
                throw PersonaStoreError.personaNotFound(id)
            }
            try change(&settings)
            try settings.validate()
            let persona = try state.connection.transaction { () throws -> Persona in
                let update = try state.connection.statement("""
                    UPDATE personas SET name = ?2, system_prompt = ?3, max_memory_size = ?4, memory_decay_ms = ?5,
                        temperature = ?6, max_tokens = ?7, is_active = ?8, updated_at = ?9 WHERE id = ?1
                    """)
                try update.bind(1, id)
                try PersonaStore.bind(settings, to: update)
                try update.bind(9, time)
                try update.run()
                guard state.connection.changes > 0 else { throw PersonaStoreError.personaNotFound(id) }
                try PersonaStore.trim(id, to: settings.maxMemorySize, in: state.connection)
                guard let persona = try PersonaStore.persona(id, in: state.connection) else { throw PersonaStoreError.personaNotFound(id) }
                return persona
            }
            state.vectors[id] = nil
            return persona
        }
    }

    /// Deletes the persona and all its memories; false when it did not exist.
    public func deletePersona(_ id: String) throws -> Bool {
        try locked { state in
            let deleted = try state.connection.transaction { () throws -> Bool in
                // Explicit, not only ON DELETE CASCADE: the cascade depends on a per-connection pragma.
                let memories = try state.connection.statement("DELETE FROM memories WHERE persona_id = ?1")
                try memories.bind(1, id)
                try memories.run()
                let persona = try state.connection.statement("DELETE FROM personas WHERE id = ?1")
                try persona.bind(1, id)
                try persona.run()
                return state.connection.changes > 0
            }
            state.vectors[id] = nil
            return deleted
        }
    }

    /// Binds parameters 2…8 of the persona INSERT and UPDATE.
    static func bind(_ settings: PersonaSettings, to statement: SQLiteStatement) throws {
        try statement.bind(2, settings.name)
        try statement.bind(3, settings.systemPrompt)
        try statement.bind(4, settings.maxMemorySize)
        try statement.bind(5, settings.memoryDecayMilliseconds)
        try statement.bind(6, settings.temperature)
        try statement.bind(7, settings.maxTokens)
        try statement.bind(8, Int64(settings.isActive ? 1 : 0))
    }

    static func persona(_ id: String, in connection: SQLiteConnection) throws -> Persona? {
        let query = try connection.statement("SELECT \(PersonaSchema.personaColumns) FROM personas p WHERE p.id = ?1")
        try query.bind(1, id)
        guard try query.step() else { return nil }
        let persona = PersonaSchema.persona(query)
        query.reset()
        return persona
    }

    static func requirePersona(_ id: String, in connection: SQLiteConnection) throws -> Persona {
        guard let persona = try persona(id, in: connection) else { throw PersonaStoreError.personaNotFound(id) }
        return persona
    }

    /// Removes the oldest memories beyond the newest `limit`.
    static func trim(_ personaID: String, to limit: Int, in connection: SQLiteConnection) throws {
        let trim = try connection.statement("""
            DELETE FROM memories WHERE persona_id = ?1 AND seq <= (
                SELECT seq FROM memories WHERE persona_id = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)
            """)
        try trim.bind(1, personaID)
        try trim.bind(2, limit)
        try trim.run()
    }
}
