import Logging
import VectorLogicEmbedding
import VectorLogicPersonas

/// At start, with a provider: embeds the persona memories stored without a vector (added while no provider was
/// configured, by a server from before that was refused), so text searches find them. Runs beside serving, in batches
/// of `batch` texts (one provider call each, so requests' own embeddings interleave), from the oldest memory to the
/// newest, once; logs one line with the count and the duration. A provider failure stops it with a warning; the next
/// start tries again (nothing is marked, the vectors are simply still missing).
enum MemoryBackfill {
    /// Texts per provider call: small enough that a request's own embedding waits at most one such pass (~64 × 40 ms
    /// of long texts on the loaded 2-core machine, BENCHMARKS.md), large enough to keep per-call overhead low.
    static let batch = 64

    /// Embeds every vector-less memory, then logs what it did (nothing when there was none).
    static func run(_ personas: PersonaStore, provider: any EmbeddingProvider, logger: Logger) async {
        let start = ContinuousClock.now
        var embedded = 0, seen = 0
        var after: Int64 = 0
        do {
            while !Task.isCancelled {
                let memories = try personas.memoriesWithoutVectors(after: after, limit: batch)
                guard let last = memories.last else { break }
                let vectors = try await provider.embed(memories.map(\.content))
                embedded += try personas.setMissingVectors(Array(zip(memories, vectors)).map { (memory: $0.0, vector: $0.1) })
                seen += memories.count
                after = last.seq
            }
        } catch {
            logger.warning("persona memory backfill stopped", metadata: [
                "error": .string("\(error)"), "embedded": .stringConvertible(embedded), "seen": .stringConvertible(seen),
            ])
            return
        }
        guard seen > 0 else { return }
        let elapsed = ContinuousClock.now - start
        logger.info("persona memories embedded", metadata: [
            "embedded": .stringConvertible(embedded), "skipped": .stringConvertible(seen - embedded),
            "provider": .string(provider.kind),
            "duration_ms": .stringConvertible(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
        ])
    }
}
