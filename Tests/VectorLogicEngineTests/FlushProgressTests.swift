import Synchronization
import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicIO
import VectorLogicTestSupport

/// A flush that finishes a memtable's graph shows its progress as it goes: the unindexed backlog, which holds writers
/// back (`Database.throttle`), shrinks chunk by chunk instead of staying whole until the segment is written.
/// Before: one insert call for the whole memtable; at 1M rows over HTTP every writer waited out each ~70 s flush
/// (upsert p99 65–95 s in every run of `tools/bench/scale/run_1m.py`).
@Suite struct FlushProgressTests {
    @Test func theUnindexedBacklogShrinksWhileAFlushFinishesTheGraph() async throws {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false  // nothing indexes the rows but the flush
        let database = try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
        // A small build (ef_construction 32): the test needs several chunks, not a good graph.
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 16, metric: .cosine,
                                                                 index: IndexConfig(m: 8, efConstruction: 32)))
        let rows = MemtableGraph.finishChunk * 3
        var random = EngineRandom(seed: 11)
        for batch in 0..<3 {  // a batch holds at most 10,000 vectors
            _ = try await database.upsert("c", (0..<MemtableGraph.finishChunk).map { row in
                VectorRecord(id: "v\(batch)-\(row)", values: (0..<16).map { _ in Float.random(in: -1...1, using: &random) })
            })
        }
        #expect(database.stats().unindexedVectors == rows)

        let done = Atomic<Bool>(false)
        let flush = Task {
            defer { done.store(true, ordering: .releasing) }
            try await database.checkpointNow(compact: false)
        }
        var seen: Set<Int> = []
        while !done.load(ordering: .acquiring) {
            seen.insert(database.stats().unindexedVectors)
            try await Task.sleep(for: .milliseconds(1))
        }
        try await flush.value
        #expect(database.stats().unindexedVectors == 0)
        #expect(database.stats().segments == 1)
        let between = seen.filter { $0 > 0 && $0 < rows }
        #expect(!between.isEmpty, "the backlog went from \(rows) to 0 in one step (seen: \(seen.sorted()))")
        #expect(between.allSatisfy { (rows - $0) % MemtableGraph.finishChunk == 0 }, "it moves a chunk at a time: \(seen.sorted())")
        #expect(try database.count("c", filter: nil) == rows)
        try await database.close()
    }
}
