import VectorLogicDistance
import VectorLogicSQLite

/// A persona's memory vectors, normalised to unit length in one flat array, so cosine similarity is one dot product.
struct VectorCache {
    var dimension: Int
    /// `seq` of each row, oldest first.
    var seqs: [Int64] = []
    /// `seqs.count × dimension` floats.
    var rows: [Float] = []
}

extension PersonaStore {
    /// The persona's memories most similar to `vector` by cosine similarity, best first (newer first among equal scores),
    /// at most `limit` (1…1,000), each with score ≥ `threshold`. Memories without a vector are never matched.
    /// Throws `.personaNotFound`, `.invalid`, or `.dimensionMismatch`.
    public func searchMemories(of personaID: String, vector: [Float], limit: Int, threshold: Float) throws -> [MemoryMatch] {
        try MemoryVector.validate(vector, field: "vector")
        guard PersonaLimits.limit.contains(limit) else {
            throw PersonaStoreError.invalid(field: "limit", message: "limit must be an integer from 1 to 1000")
        }
        guard threshold.isFinite else {
            throw PersonaStoreError.invalid(field: "threshold", message: "threshold must be a finite number")
        }
        let query = Distance.normalized(vector)
        return try locked { state in
            _ = try PersonaStore.requirePersona(personaID, in: state.connection)
            let cache = try state.vectors[personaID] ?? PersonaStore.loadVectors(personaID, in: state.connection)
            state.vectors[personaID] = cache
            guard !cache.seqs.isEmpty else { return [] }
            guard cache.dimension == query.count else {
                throw PersonaStoreError.dimensionMismatch(expected: cache.dimension, actual: query.count)
            }
            let best = PersonaStore.rank(query, in: cache, limit: limit, threshold: threshold)
            return try best.map { hit throws in
                MemoryMatch(memory: try PersonaStore.memory(seq: hit.seq, in: state.connection), score: hit.score)
            }
        }
    }

    /// Exact top-`limit` by dot product over unit vectors.
    static func rank(_ query: [Float], in cache: VectorCache, limit: Int, threshold: Float) -> [(seq: Int64, score: Float)] {
        var hits: [(seq: Int64, score: Float)] = []
        let dimension = cache.dimension
        query.withUnsafeBufferPointer { q in
            cache.rows.withUnsafeBufferPointer { rows in
                guard let queryBase = q.baseAddress, let rowBase = rows.baseAddress else { return }
                for (index, seq) in cache.seqs.enumerated() {
                    // Clamped: rounding can put the dot product of two unit vectors just outside -1…1.
                    let score = min(1, max(-1, Distance.dot(queryBase, rowBase + index * dimension, count: dimension)))
                    if score >= threshold { hits.append((seq, score)) }
                }
            }
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.seq > $1.seq }
        return Array(hits.prefix(limit))
    }

    static func loadVectors(_ personaID: String, in connection: SQLiteConnection) throws -> VectorCache {
        let query = try connection.statement("SELECT seq, vector FROM memories WHERE persona_id = ?1 AND vector IS NOT NULL ORDER BY seq")
        try query.bind(1, personaID)
        var cache = VectorCache(dimension: 0)
        while try query.step() {
            guard let bytes = query.blob(1), let vector = MemoryVector.decode(bytes), !vector.isEmpty,
                  cache.seqs.isEmpty || vector.count == cache.dimension else {
                query.reset()
                throw PersonaStoreError.storage(.corrupt("a memory vector has a bad length"))
            }
            cache.dimension = vector.count
            cache.seqs.append(query.int64(0))
            cache.rows.append(contentsOf: Distance.normalized(vector))
        }
        return cache
    }

    static func memory(seq: Int64, in connection: SQLiteConnection) throws -> Memory {
        let query = try connection.statement("SELECT \(PersonaSchema.memoryColumns) FROM memories WHERE seq = ?1")
        try query.bind(1, seq)
        guard try query.step() else { throw PersonaStoreError.storage(.failed("a cached memory is missing")) }
        let memory = try PersonaSchema.memory(query)
        query.reset()
        return memory
    }
}
