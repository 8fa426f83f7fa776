import VectorLogicSQLite

/// A memory stored without a vector (added before an embedding provider was configured), to be embedded from its content.
public struct UnembeddedMemory: Sendable, Hashable {
    /// Its row order; pass the last one of a batch as `after` to get the next batch.
    public let seq: Int64
    /// The memory's id.
    public let id: String
    /// The persona it belongs to.
    public let personaID: String
    /// The text to embed.
    public let content: String
}

extension PersonaStore {
    /// Up to `limit` memories without a vector whose row order is after `after`, oldest first (one indexed range scan).
    public func memoriesWithoutVectors(after: Int64, limit: Int) throws -> [UnembeddedMemory] {
        try locked { state in
            let query = try state.connection.statement("""
                SELECT seq, id, persona_id, content FROM memories WHERE seq > ?1 AND vector IS NULL ORDER BY seq LIMIT ?2
                """)
            try query.bind(1, after)
            try query.bind(2, limit)
            var found: [UnembeddedMemory] = []
            while try query.step() {
                found.append(UnembeddedMemory(seq: query.int64(0), id: query.string(1), personaID: query.string(2), content: query.string(3)))
            }
            query.reset()
            return found
        }
    }

    /// Gives memories that still have no vector their vector, in one transaction. A memory deleted meanwhile, given a
    /// vector meanwhile, or whose persona's other memories have another dimension (vectors sent by a client with
    /// another model) is left as it is. Returns how many were updated.
    public func setMissingVectors(_ vectors: [(memory: UnembeddedMemory, vector: [Float])]) throws -> Int {
        for (memory, vector) in vectors { try MemoryVector.validate(vector, field: "vector of memory \(memory.id)") }
        return try locked { state in
            var updated = 0
            try state.connection.transaction { () throws in
                for (memory, vector) in vectors {
                    if let expected = try PersonaStore.dimension(of: memory.personaID, in: state.connection), expected != vector.count {
                        continue
                    }
                    let update = try state.connection.statement(
                        "UPDATE memories SET vector = ?1, dimension = ?2 WHERE id = ?3 AND vector IS NULL")
                    try update.bind(1, MemoryVector.encode(vector))
                    try update.bind(2, vector.count)
                    try update.bind(3, memory.id)
                    try update.run()
                    updated += state.connection.changes
                }
            }
            for (memory, _) in vectors { state.vectors[memory.personaID] = nil }
            return updated
        }
    }
}
