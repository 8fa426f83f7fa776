import Foundation
import Synchronization
import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicIO
import VectorLogicSync
import VectorLogicTestSupport

/// A flush that finishes a memtable's graph shows its progress as it goes: the unindexed backlog, which holds writers
/// back (`Database.appendHeldBack`), shrinks chunk by chunk instead of staying whole until the segment is written.
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

        // Watched from a thread of its own, not a task: with the test run's other suites busy, the cooperative pool
        // can leave a polling task unscheduled for a whole flush (seen: a 99 s flush observed only at its ends).
        let watch = BacklogWatch()
        let watcher = Thread {
            while !watch.done.load(ordering: .acquiring) {
                let unindexed = database.stats().unindexedVectors
                watch.seen.withLock { _ = $0.insert(unindexed) }
                usleep(200)
            }
        }
        watcher.start()
        try await database.checkpointNow(compact: false)
        watch.done.store(true, ordering: .releasing)
        let seen = watch.seen.withLock { $0 }
        #expect(database.stats().unindexedVectors == 0)
        #expect(database.stats().segments == 1)
        let between = seen.filter { $0 > 0 && $0 < rows }
        #expect(!between.isEmpty, "the backlog went from \(rows) to 0 in one step (seen: \(seen.sorted()))")
        #expect(between.allSatisfy { (rows - $0) % MemtableGraph.finishChunk == 0 }, "it moves a chunk at a time: \(seen.sorted())")
        #expect(try database.count("c", filter: nil) == rows)
        try await database.close()
    }
}

/// What a watcher thread saw of the unindexed backlog (`Locked`: the lock ThreadSanitizer sees).
final class BacklogWatch: Sendable {
    let seen = Locked<Set<Int>>([])
    let done = Atomic<Bool>(false)
}

/// A memtable that stops growing is flushed after `idleFlushSeconds` when it holds at least `idleFlushMinimumRows`
/// rows, so it is searched from a segment (SQ8 walk) and a crash leaves no log of it to replay; a smaller one stays.
/// Before: a memtable under the flush threshold stayed until the next checkpoint (1M rows: 99,000 left in it after
/// ingest).
@Suite struct IdleFlushTests {
    @Test func anIdleMemtableIsFlushed() async throws {
        let database = try Self.open()
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .cosine))
        _ = try await database.upsert("c", (0..<300).map { VectorRecord(id: "v\($0)", values: [1, Float($0), 0.5, 1]) })
        for _ in 0..<200 where database.stats().segments == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(database.stats().segments == 1, "flushed once idle for 1 s")
        #expect(database.stats().memtableVectors == 0)
        #expect(try database.count("c", filter: nil) == 300)
        try await database.close()
    }

    @Test func aSmallIdleMemtableStays() async throws {
        let database = try Self.open()
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .cosine))
        _ = try await database.upsert("c", (0..<99).map { VectorRecord(id: "v\($0)", values: [1, Float($0), 0.5, 1]) })
        try await Task.sleep(for: .seconds(3))
        #expect(database.stats().segments == 0, "99 rows are under the 100-row minimum")
        #expect(database.stats().memtableVectors == 99)
        try await database.close()
    }

    /// Background work on, an idle flush after 1 s of no writes for memtables of 100 rows or more.
    static func open() throws -> Database {
        var options = DatabaseOptions(durability: .none)
        options.idleFlushSeconds = 1
        options.idleFlushMinimumRows = 100
        return try Database.open(at: "/db", fileSystem: SimulatedFileSystem(), options: options)
    }
}
